/**
 * After HeyGen's v1 sunset (every /v1/* endpoint 410, the stand-in's retireV1): what node version 2
 * does with its defaults. Everything works but Folder → Get Many and listing with v1 — as the
 * README's "After v1 is switched off" table says.
 */
import type { IBinaryData, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { heyGenTrigger, runHeyGenNode, searchAssets, searchFolders } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 30, folders: 3, seed: 5, retireV1: true });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());
afterEach(() => {
	// Nothing this file does may have asked v1 and got anything but 410.
	expect(standIn.requests.filter((r) => r.path.startsWith('/v1/') && r.status !== 410)).toEqual([]);
});

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

async function run(parameters: INodeParameters, nodeVersion = 2, binary?: IBinaryData) {
	const { output } = await runHeyGenNode({
		credentials: credentials(),
		parameters,
		input: [{ json: {}, ...(binary ? { binary: { data: binary } } : {}) }],
		nodeVersion,
	});
	return output[0].map((item) => item.json);
}

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(800, 1)]);

describe('node version 2 with its defaults keeps working', () => {
	it('the stand-in is retired', () => {
		expect(standIn.v1Retired).toBe(true);
	});

	it('Asset → Get Many (v3)', async () => {
		const items = await run({ resource: 'asset', operation: 'getAll', returnAll: true });
		expect(items.map((item) => item.id)).toEqual(standIn.assets.map((asset) => asset.id));
	});

	it('Asset → Get, Upload and Delete', async () => {
		const [asset] = standIn.assets;
		expect(await run({ resource: 'asset', operation: 'get', assetId: byId(asset.id) })).toEqual([
			expect.objectContaining({ id: asset.id, folder_id: asset.folder_id }),
		]);
		const binary = {
			data: png.toString('base64'),
			mimeType: 'image/png',
			fileName: 'logo.png',
			fileSize: String(png.length),
		};
		const [uploaded] = await run({ resource: 'asset', operation: 'upload' }, 2, binary);
		expect(uploaded).toMatchObject({ name: 'logo.png', mime_type: 'image/png' });
		const deleted = await run({
			resource: 'asset',
			operation: 'delete',
			assetId: byId(String(uploaded.id)),
		});
		expect(deleted).toEqual([{ id: uploaded.id, deleted: true }]);
	});

	it('Folder → Get', async () => {
		const [folder] = standIn.folders;
		expect(await run({ resource: 'folder', operation: 'get', folderId: byId(folder.id) })).toEqual([
			expect.objectContaining({ id: folder.id, name: folder.name }),
		]);
	});

	it('the asset picker and the folder picker', async () => {
		const assets = await searchAssets(credentials());
		expect(assets.results).toHaveLength(standIn.assets.length);
		const folders = await searchFolders(credentials());
		const inUse = new Set(standIn.assets.map((asset) => asset.folder_id).filter(Boolean));
		expect(folders.results.map((folder) => folder.value).sort()).toEqual([...inUse].sort());
	});

	it('the trigger (version 2 polls v3)', async () => {
		await heyGenTrigger(credentials(), {}, 2).poll('manual');
		expect(standIn.requestsTo('/v3/assets').length).toBeGreaterThan(0);
	});
});

describe('what stops working, with an error that says why', () => {
	async function failure(parameters: INodeParameters, nodeVersion = 2) {
		try {
			await run(parameters, nodeVersion);
		} catch (error) {
			return error as NodeApiError;
		}
		throw new Error('the node succeeded but an error was expected');
	}

	it('Folder → Get Many', async () => {
		const error = await failure({ resource: 'folder', operation: 'getAll' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('410');
		expect(error.description).toMatch(/Folder → Get/);
	});

	it.each([
		['node version 1 (v1 by default)', 1, {}],
		['API Version v1 on version 2', 2, { apiVersion: 'v1' }],
	])('Asset → Get Many on %s', async (_label, nodeVersion, extra) => {
		const error = await failure({ resource: 'asset', operation: 'getAll', ...extra }, nodeVersion);
		expect(error.message).toBe('HeyGen answered 410 for /v1/asset/list');
		expect(error.description).toMatch(/Switch the node's API Version to v3/);
	});
});
