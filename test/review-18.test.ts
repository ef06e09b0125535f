/**
 * Review 18: the release gate and the changelog against what the pipeline really does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { releaseTagProblem } from '../scripts/check-release-tag';

const root = join(__dirname, '..');

describe('scripts/check-release-tag.js and a prerelease', () => {
	// publish.yml's trigger 'v*.*.*' matches v0.2.0-rc.1 (GitHub's * matches any characters but /),
	// and publish.yml installs npm 11, which refuses `npm publish` of a prerelease version without
	// --tag ("You must specify a tag using --tag when publishing a prerelease version", npm >= 11.1).
	// A prerelease tag therefore passed the gate, ran the 30-41 minute CI, and failed at the last
	// step. The gate must refuse it up front (or publish.yml must pass --tag for prereleases).
	const changelog = '## [Unreleased]\n\n## [0.2.0-rc.1] - 2026-12-02\n';

	it('refuses a prerelease version in seconds, before the tests, with the reason', () => {
		expect(releaseTagProblem('v0.2.0-rc.1', '0.2.0-rc.1', changelog)).toMatch(/prerelease/);
	});

	it('still lets a plain x.y.z through', () => {
		expect(releaseTagProblem('v0.2.0', '0.2.0', '## [0.2.0] - 2026-12-02\n')).toBeUndefined();
	});
});

describe('CHANGELOG.md 0.1.0 against what ships', () => {
	it('lists every example workflow in examples/, the MCP one among them', () => {
		const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
		const released = changelog.slice(changelog.indexOf('## [0.1.0]'));
		const examples = readdirSync(join(root, 'examples')).filter((file) => file.endsWith('.json'));
		expect(examples).toContain('heygen-assets-mcp.json');
		// The MCP example (and the MCP e2e that proves it) is part of 0.1.0 but not in its notes.
		expect(released).toMatch(/MCP/);
	});
});
