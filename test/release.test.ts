/**
 * The release pipeline: the GitHub Actions workflows as GitHub would read them, and the gate that
 * keeps a tag from publishing a version it does not name. A workflow that no longer tests on push,
 * or publishes without provenance, fails here rather than on the day of a release.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import { releaseTagProblem } from '../scripts/check-release-tag';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Step {
	uses?: string;
	run?: string;
	if?: string;
	with?: Record<string, string>;
}
interface Job {
	needs?: string | string[];
	uses?: string;
	permissions?: Record<string, string>;
	steps?: Step[];
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = (file: string): Workflow =>
	parse(readFileSync(join(root, '.github/workflows', file), 'utf8'));
const runs = (job: Job) => (job.steps ?? []).map((step) => step.run ?? '');

describe('.github/workflows/ci.yml', () => {
	const ci = workflow('ci.yml');

	it('runs on every push and pull request, and when publish.yml calls it', () => {
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
		// A filter on branches or paths would let a change through untested.
		expect(ci.on.push).toBeNull();
		expect(ci.on.pull_request).toBeNull();
	});

	it("runs the README's test command after a clean install, and can only read the repository", () => {
		const { test } = ci.jobs;
		expect(runs(test)).toEqual(expect.arrayContaining(['npm ci', 'npm test']));
		expect(runs(test).indexOf('npm ci')).toBeLessThan(runs(test).indexOf('npm test'));
		expect(ci.permissions).toEqual({ contents: 'read' });
		const readme = readFileSync(join(root, 'README.md'), 'utf8');
		expect(readme).toContain('.github/workflows/ci.yml');
		expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^npm ci\nnpm test\n$/m);
	});

	it('caches the n8n runtimes keyed by the lockfiles that pin them', () => {
		const cache = ci.jobs.test.steps?.find((step) => step.uses?.startsWith('actions/cache@'));
		expect(cache?.with?.path).toBe('~/.cache/n8n-nodes-heygen');
		for (const pin of ['package.json', 'package-lock.json'])
			expect(cache?.with?.key).toContain(`'scripts/n8n-runtime/**/${pin}'`);
	});
});

describe('.github/workflows/publish.yml', () => {
	const publish = workflow('publish.yml');

	it('runs on a version tag only', () => {
		expect(publish.on).toEqual({ push: { tags: ['v*.*.*'] } });
	});

	it('checks the tag, then runs the CI tests, then publishes', () => {
		expect(runs(publish.jobs['check-tag'])).toContain(
			'node scripts/check-release-tag.js "$GITHUB_REF_NAME"',
		);
		expect(publish.jobs.test).toMatchObject({
			needs: 'check-tag',
			uses: './.github/workflows/ci.yml',
		});
		expect(publish.jobs.publish.needs).toBe('test');
	});

	it('publishes with provenance, public, from an OIDC token (Trusted Publishing)', () => {
		const job = publish.jobs.publish;
		expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(publish.permissions).toEqual({ contents: 'read' });
		const publishes = runs(job).filter((run) => /\bnpm publish\b/.test(run));
		expect(publishes).toEqual(['npm publish --provenance --access public']);
		const steps = runs(job);
		for (const before of ['npm ci', 'node scripts/check-release-tag.js "$GITHUB_REF_NAME"'])
			expect(steps.indexOf(before)).toBeLessThan(steps.indexOf(publishes[0]));
		// prepack does not run under .npmrc's ignore-scripts: the build must be its own step.
		expect(steps.indexOf('npm run build')).toBeLessThan(steps.indexOf(publishes[0]));
	});

	it('uses a token only as a fallback, when the NPM_TOKEN secret is set', () => {
		const tokenSteps = (publish.jobs.publish.steps ?? []).filter((step) =>
			step.run?.includes('_authToken'),
		);
		expect(tokenSteps).toHaveLength(1);
		expect(tokenSteps[0].if).toBe("env.NPM_TOKEN != ''");
	});
});

describe('scripts/check-release-tag.js', () => {
	const changelog = '## [Unreleased]\n\n## [1.2.3] - 2026-12-02\n';

	it('lets v<version> publish <version> when the changelog has its section', () => {
		expect(releaseTagProblem('v1.2.3', '1.2.3', changelog)).toBeUndefined();
	});

	it('refuses a tag that is not v<version>', () => {
		for (const tag of ['v1.2.4', '1.2.3', 'v1.2.3-beta.1', 'v1.2', undefined])
			expect(releaseTagProblem(tag, '1.2.3', changelog)).toBeDefined();
		expect(releaseTagProblem('v1.2.4', '1.2.3', changelog)).toMatch(
			"The tag v1.2.4 does not match package.json's version 1.2.3",
		);
	});

	it('refuses a version without its changelog section', () => {
		expect(releaseTagProblem('v1.2.3', '1.2.3', '## [Unreleased]\n\n## [1.2.0]\n')).toMatch(
			'CHANGELOG.md has no "## [1.2.3]" section',
		);
		// 1.2.3 must not be found inside 1.2.30 or 1x2x3.
		expect(releaseTagProblem('v1.2.3', '1.2.3', '## [1.2.30]\n## [1x2x3]\n')).toBeDefined();
	});

	it("as a command: exits 0 for this package's own tag, 1 with the reason for another", () => {
		const script = join(root, 'scripts/check-release-tag.js');
		expect(execFileSync('node', [script, `v${pkg.version}`], { encoding: 'utf8' })).toContain(
			`publishes version ${pkg.version}`,
		);
		let failure: { status?: number; stderr?: string } = {};
		try {
			execFileSync('node', [script, 'v99.0.0'], { encoding: 'utf8', stdio: 'pipe' });
		} catch (error) {
			failure = error as typeof failure;
		}
		expect(failure.status).toBe(1);
		expect(failure.stderr).toContain('does not match');
	});
});

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
