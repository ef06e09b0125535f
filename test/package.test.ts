/**
 * The published package: what n8n loads from it, and what npm would ship. Needs `npm run build`
 * first (npm test does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers } from 'n8n-workflow';

import { HeyGen } from '../nodes/HeyGen/HeyGen.node';
import { HeyGenTrigger } from '../nodes/HeyGen/HeyGenTrigger.node';
import { DEFAULT_LOOK_BACK_MINUTES } from '../nodes/HeyGen/trigger/cursor';
import { DEFAULT_LIMIT } from '../nodes/HeyGen/actions/constants';
import { REQUESTS_AT_ONCE } from '../nodes/HeyGen/transport';

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
		for (const icon of [
			'dist/nodes/HeyGen/heygen.svg',
			'dist/nodes/HeyGen/heygen.dark.svg',
			'dist/credentials/heygen.svg',
			'dist/nodes/HeyGen/HeyGen.node.json',
		]) {
			expect(existsSync(join(root, icon))).toBe(true);
		}
	});

	it('npm pack ships only the built package, README, LICENSE and package.json', () => {
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			encoding: 'utf8',
		});
		const files: string[] = JSON.parse(out)[0].files.map((file: { path: string }) => file.path);
		expect(files).toEqual(
			expect.arrayContaining([
				'package.json',
				'README.md',
				'LICENSE',
				'dist/nodes/HeyGen/HeyGen.node.js',
			]),
		);
		const outside = files.filter(
			(file) =>
				!file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file),
		);
		expect(outside).toEqual([]);
		expect(files.filter((file) => /\.test\.|stand-in/.test(file))).toEqual([]);
	});
});

describe('node description (saved workflows depend on these names)', () => {
	const { description } = new HeyGen();
	const byName = (name: string) =>
		description.properties.filter((property) => property.name === name);
	const operationsOf = (resource: string) =>
		(byName('operation').find(
			(property) => property.displayOptions?.show?.resource?.[0] === resource,
		)?.options ?? []) as Array<{
			value: string;
			name: string;
			action?: string;
			description?: string;
		}>;

	it('is heyGen versions 1 and 2 (2 for new nodes), usable as a tool, with the HeyGen API credential', () => {
		expect(description.name).toBe('heyGen');
		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'heyGenApi', required: true }]);
	});

	it('has Asset → Delete, Get, Get Many, Upload and Folder → Get, Get Many, each with an action an agent can act on', () => {
		expect(operationsOf('asset').map((option) => option.value)).toEqual([
			'delete',
			'get',
			'getAll',
			'upload',
		]);
		expect(operationsOf('folder').map((option) => option.value)).toEqual(['get', 'getAll']);
		for (const option of [...operationsOf('asset'), ...operationsOf('folder')]) {
			expect(option.action).toMatch(
				/^(Delete|Get|Get many|Upload) (an? )?(asset|assets|folder|folders)( permanently)?$/,
			);
			expect(option.description?.length).toBeGreaterThan(30);
		}
	});

	it('as a tool with Tool Description "Set Automatically", tells the agent each operation as n8n words it', () => {
		// n8n builds that description from the operation's action alone; its description is for the editor.
		const toolDescription = (resource: string, operation: string) =>
			NodeHelpers.getToolDescriptionForNode(
				{
					id: 'tool',
					name: 'HeyGen',
					type: 'n8n-nodes-heygen.heyGenTool',
					typeVersion: 2,
					position: [0, 0],
					parameters: { descriptionType: 'auto', resource, operation },
				},
				new HeyGen(),
			);
		expect(
			[
				...operationsOf('asset').map((option) => ['asset', option.value]),
				...operationsOf('folder').map((option) => ['folder', option.value]),
			].map(([resource, operation]) => toolDescription(resource, operation)),
		).toEqual([
			'Delete an asset permanently in HeyGen',
			'Get an asset in HeyGen',
			'Get many assets in HeyGen',
			'Upload an asset in HeyGen',
			'Get a folder in HeyGen',
			'Get many folders in HeyGen',
		]);
	});

	it("keeps Get Many's parameter names: returnAll, limit and filters.fileType / filters.folderId", () => {
		const showsFor = (
			property: { displayOptions?: { show?: Record<string, unknown> } },
			resource: string,
		) => (property.displayOptions?.show?.resource as string[] | undefined)?.includes(resource);
		const assetsOnly = (name: string) =>
			byName(name).find((property) => showsFor(property, 'asset'));
		expect(assetsOnly('returnAll')).toMatchObject({ type: 'boolean', default: false });
		expect(assetsOnly('limit')).toMatchObject({
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
		});
		expect(assetsOnly('limit')?.displayOptions?.show?.returnAll).toEqual([false]);
		const filters = assetsOnly('filters');
		const options = (filters?.options ?? []) as Array<{
			name: string;
			type?: string;
			options?: Array<{ value: string }>;
		}>;
		expect(options.map((option) => option.name)).toEqual(['fileType', 'folderId']);
		expect(options[0].options?.map((option) => option.value).sort()).toEqual([
			'audio',
			'image',
			'video',
		]);
		expect(options[1].type).toBe('resourceLocator');
	});

	it('shows the same defaults that the node falls back on', () => {
		expect(byName('limit').map((property) => property.default)).toEqual([
			DEFAULT_LIMIT,
			DEFAULT_LIMIT,
		]);
		// Every operation's Options, Upload's own among them, offer Requests at Once with that default.
		const optionSets = byName('options');
		expect(optionSets).toHaveLength(2);
		for (const options of optionSets) {
			const requestsAtOnce = options.options?.find((option) => option.name === 'requestsAtOnce');
			expect(requestsAtOnce && 'default' in requestsAtOnce && requestsAtOnce.default).toBe(
				REQUESTS_AT_ONCE.default,
			);
		}
		expect(byName('downloadConcurrency')).toEqual([]);
		const lookBack = new HeyGenTrigger().description.properties.find(
			(property) => property.name === 'lookBackMinutes',
		);
		expect(lookBack?.default).toBe(DEFAULT_LOOK_BACK_MINUTES);
	});

	it('has a codex that finds it for "list assets" and "heygen"', () => {
		const codex = JSON.parse(readFileSync(join(root, 'nodes/HeyGen/HeyGen.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-heygen.heyGen');
		expect(codex.alias).toEqual(expect.arrayContaining(['list assets', 'heygen']));
	});
});
