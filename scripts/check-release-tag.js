// @ts-check
/**
 * The release gate of .github/workflows/publish.yml: the tag being published must be `v` and
 * package.json's version, and CHANGELOG.md must have that version's section, so that what npm gets
 * is what the tag and the changelog say.
 *
 *   node scripts/check-release-tag.js v1.2.3   exits 1 with the reason when they differ
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * Why `tag` may not publish `version` (undefined when it may).
 * @param {string | undefined} tag @param {string} version @param {string} changelog CHANGELOG.md's text
 */
function releaseTagProblem(tag, version, changelog) {
	if (!tag) return 'No tag given: node scripts/check-release-tag.js v<version>';
	// publish.yml runs `npm publish` without --tag, which npm 11 refuses for a prerelease version:
	// refuse it here, in seconds, instead of after the tests.
	if (!/^\d+\.\d+\.\d+$/.test(version))
		return `package.json's version ${version} is a prerelease or not x.y.z: publish.yml publishes x.y.z versions only (npm 11 refuses a prerelease without --tag)`;
	if (tag !== `v${version}`)
		return `The tag ${tag} does not match package.json's version ${version}: tag v${version}, or bump the version`;
	const heading = new RegExp(`^## \\[${version.replace(/[.+]/g, '\\$&')}\\]`, 'm');
	if (!heading.test(changelog)) return `CHANGELOG.md has no "## [${version}]" section`;
	return undefined;
}

if (require.main === module) {
	const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
	const problem = releaseTagProblem(process.argv[2], version, changelog);
	if (problem) {
		console.error(`[check-release-tag] ${problem}`);
		process.exit(1);
	}
	console.log(`[check-release-tag] ${process.argv[2]} publishes version ${version}`);
}

module.exports = { releaseTagProblem };
