/**
 * The package's manifest and the node descriptions n8n reads. What the build and the tarball hold is
 * checked after a build, in test/e2e/package.e2e.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers } from 'n8n-workflow';

import { HeyGen } from '../nodes/HeyGen/HeyGen.node';
import { HeyGenTrigger } from '../nodes/HeyGen/HeyGenTrigger.node';
import { DEFAULT_LOOK_BACK_MINUTES } from '../nodes/HeyGen/trigger/cursor';
import { DEFAULT_LIMIT } from '../nodes/HeyGen/actions/constants';
import { REQUESTS_AT_ONCE } from '../nodes/HeyGen/execution/run';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	it('is an n8n community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-heygen');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
	});

	it('names nothing that does not exist: no main (n8n loads the files under "n8n"), and one repository throughout', () => {
		expect(pkg.main).toBeUndefined();
		expect(pkg.files).toEqual(['dist', 'CHANGELOG.md']);
		const repository = 'github.com/n8n-nodes-heygen/n8n-nodes-heygen';
		expect(pkg.repository).toEqual({ type: 'git', url: `git+https://${repository}.git` });
		expect(pkg.homepage).toBe(`https://${repository}#readme`);
		expect(pkg.bugs).toEqual({ url: `https://${repository}/issues` });
		expect(pkg.engines).toEqual({
			node: expect.stringMatching(/^>=/),
			n8n: expect.stringMatching(/^>=/),
		});
		expect(existsSync(join(root, 'CHANGELOG.md'))).toBe(true);
	});

	it('has a package-lock.json in step with it, so that npm install leaves the tree clean', () => {
		const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
		const rootEntry = lock.packages[''];
		expect({ name: lock.name, version: lock.version }).toEqual({
			name: pkg.name,
			version: pkg.version,
		});
		for (const field of [
			'name',
			'version',
			'license',
			'engines',
			'dependencies',
			'devDependencies',
			'peerDependencies',
			'optionalDependencies',
		])
			expect({ [field]: rootEntry[field] }).toEqual({ [field]: pkg[field] });
	});
});

/**
 * The nodes panel's entries as n8n's editor builds them (generateMergedNodesAndActions in n8n 2.41's
 * editor): a trigger whose name is a node's plus "Trigger" joins that node's entry, which then shows
 * the trigger's description.
 */
function nodesPanelEntries(nodes: Array<{ name: string; description: string; group: string[] }>) {
	const entries = nodes
		.filter((node) => !node.group.includes('trigger'))
		.map((node) => ({ ...node }));
	for (const trigger of nodes.filter((node) => node.group.includes('trigger'))) {
		const app = entries.find((entry) => entry.name === trigger.name.replace('Trigger', ''));
		if (app) app.description = trigger.description;
		else entries.push({ ...trigger });
	}
	return entries;
}

describe('the nodes panel', () => {
	const entries = nodesPanelEntries([new HeyGen().description, new HeyGenTrigger().description]);

	it('shows one HeyGen entry, described as the whole package: every action and the trigger', () => {
		expect(entries.map((entry) => entry.name)).toEqual(['heyGen']);
		const [{ description }] = entries;
		for (const does of ['Get', 'download', 'upload', 'delete', 'folders', 'new asset'])
			expect(description).toContain(does);
		expect(description).not.toMatch(/^Starts the workflow/);
	});

	it('says what package.json says the package does', () => {
		for (const does of ['get', 'download', 'upload', 'delete', 'folders', 'new asset'])
			expect(pkg.description).toContain(does);
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
