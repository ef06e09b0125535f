/**
 * The published package: what n8n loads from it, and what npm would ship. Needs `npm run build`
 * first (npm test does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { HeyGen } from '../nodes/HeyGen/HeyGen.node';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	it('is an n8n community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-heygen');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
	});

	it('points n8n at built files that exist and load', () => {
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(existsSync(join(root, file))).toBe(true);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const loaded = require(join(root, file));
			expect(Object.keys(loaded)).toHaveLength(1);
		}
		for (const icon of ['dist/nodes/HeyGen/heygen.svg', 'dist/nodes/HeyGen/heygen.dark.svg', 'dist/credentials/heygen.svg', 'dist/nodes/HeyGen/HeyGen.node.json']) {
			expect(existsSync(join(root, icon))).toBe(true);
		}
	});

	it('npm pack ships only the built package, README, LICENSE and package.json', () => {
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
		const files: string[] = JSON.parse(out)[0].files.map((file: { path: string }) => file.path);
		expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/nodes/HeyGen/HeyGen.node.js']));
		const outside = files.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file));
		expect(outside).toEqual([]);
		expect(files.filter((file) => /\.test\.|stand-in/.test(file))).toEqual([]);
	});
});

describe('node description (saved workflows depend on these names)', () => {
	const { description } = new HeyGen();
	const byName = (name: string) => description.properties.filter((property) => property.name === name);

	it('is heyGen version 1, usable as a tool, with the HeyGen API credential', () => {
		expect(description.name).toBe('heyGen');
		expect(description.version).toBe(1);
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'heyGenApi', required: true }]);
	});

	it('has Asset → Get Many with returnAll, limit and filters.fileType / filters.folderId', () => {
		const operation = byName('operation')[0];
		expect(operation.options).toEqual([expect.objectContaining({ value: 'getAll', name: 'Get Many', action: 'Get many assets' })]);
		expect(byName('returnAll')[0]).toMatchObject({ type: 'boolean', default: false });
		expect(byName('limit')[0]).toMatchObject({ type: 'number', default: 50, typeOptions: { minValue: 1 } });
		expect(byName('limit')[0].displayOptions?.show?.returnAll).toEqual([false]);
		const filters = byName('filters')[0];
		const options = (filters.options ?? []) as Array<{ name: string; type?: string; options?: Array<{ value: string }> }>;
		expect(options.map((option) => option.name)).toEqual(['fileType', 'folderId']);
		expect(options[0].options?.map((option) => option.value).sort()).toEqual(['audio', 'image', 'video']);
		expect(options[1].type).toBe('resourceLocator');
	});

	it('has a codex that finds it for "list assets" and "heygen"', () => {
		const codex = JSON.parse(readFileSync(join(root, 'nodes/HeyGen/HeyGen.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-heygen.heyGen');
		expect(codex.alias).toEqual(expect.arrayContaining(['list assets', 'heygen']));
	});
});
