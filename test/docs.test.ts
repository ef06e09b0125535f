/**
 * The docs match the project: every relative link and #anchor in the markdown files resolves, every
 * file they name by path exists, and the README stays what an n8n user reads (at most 450 lines).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const MARKDOWN = [
	'README.md',
	'CHANGELOG.md',
	'CONTRIBUTING.md',
	'test/stand-in/README.md',
	...readdirSync(join(ROOT, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => `docs/${file}`),
];
const README_MAX_LINES = 450;

it('every relative link and anchor in the markdown files resolves', () => {
	const output = execFileSync('node', ['scripts/check-links.mjs', '.', ...MARKDOWN], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	expect(output).toMatch(/ 0 broken\s*$/);
});

it('every project file the docs name by path exists', () => {
	const missing = MARKDOWN.flatMap((file) =>
		[
			...readFileSync(join(ROOT, file), 'utf8').matchAll(
				/`((?:test|nodes|scripts|examples|docs|credentials)\/[\w./-]+\.(?:ts|js|mjs|json|md))`/g,
			),
		]
			.map((match) => match[1])
			.filter((path) => !existsSync(join(ROOT, path)))
			.map((path) => `${file}: ${path}`),
	);
	expect(missing).toEqual([]);
});

it(`the README has at most ${README_MAX_LINES} lines`, () => {
	const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
	expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
});
