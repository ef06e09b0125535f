/**
 * The built package as npm would publish it: what n8n loads from it, and what the tarball holds.
 * Here rather than among the unit tests because it needs `dist/`: every way into this suite
 * (`npm test`, `npm run test:e2e`) builds first, and `npm run test:unit` stays a loop without a build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Besides dist/, the files npm must ship: what a user reads, and the manifest. */
const BESIDE_DIST = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
/** How far the tarball may grow or shrink before the README's figure has to be measured again. */
const SIZE_TOLERANCE = 0.1;

function packDryRun(): {
	size: number;
	unpackedSize: number;
	entryCount: number;
	files: string[];
} {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
	});
	const [packed] = JSON.parse(out);
	return {
		size: packed.size,
		unpackedSize: packed.unpackedSize,
		entryCount: packed.entryCount,
		files: packed.files.map((file: { path: string }) => file.path),
	};
}

describe('the built package', () => {
	it('points n8n at built files that exist and load', () => {
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(existsSync(join(root, file))).toBe(true);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const loaded = require(join(root, file));
			expect(Object.keys(loaded)).toHaveLength(1);
		}
		for (const icon of [
			'dist/nodes/HeyGen/heygen.svg',
			'dist/nodes/HeyGen/heygen.dark.svg',
			'dist/credentials/heygen.svg',
			'dist/nodes/HeyGen/HeyGen.node.json',
			'dist/nodes/HeyGen/HeyGenTrigger.node.json',
		]) {
			expect(existsSync(join(root, icon))).toBe(true);
		}
	});

	it('npm pack ships only dist/, the README, LICENSE, CHANGELOG and package.json', () => {
		const { files } = packDryRun();
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(BESIDE_DIST);
		expect(files).toEqual(expect.arrayContaining([...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		expect(files.filter((file) => /\.test\.|stand-in|^dist\/(test|scripts)\//.test(file))).toEqual(
			[],
		);
	});

	it("is the size the README states (the tarball's size, within 10 %)", () => {
		const { size, unpackedSize, entryCount } = packDryRun();
		const readme = readFileSync(join(root, 'README.md'), 'utf8');
		const stated =
			/The tarball npm publishes is about \*\*(\d+) kB\*\* \((\d+) files, (\d+) kB unpacked/.exec(
				readme,
			);
		expect(stated).not.toBeNull();
		const statedBytes = Number(stated?.[1]) * 1000;
		expect(Math.abs(size - statedBytes) / statedBytes).toBeLessThanOrEqual(SIZE_TOLERANCE);
		// The file count is exact: a file added or dropped is a change the README must follow.
		expect(Number(stated?.[2])).toBe(entryCount);
		const statedUnpacked = Number(stated?.[3]) * 1000;
		expect(Math.abs(unpackedSize - statedUnpacked) / statedUnpacked).toBeLessThanOrEqual(
			SIZE_TOLERANCE,
		);
	});
});
