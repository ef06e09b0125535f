/**
 * HeyGen as it is today: v1 retired (every /v1/* endpoint 410, the stand-in's retireV1) and no
 * /v3/folders path in HeyGen's published spec (the stand-in's withoutV3Folders: a bare 404 for every
 * id). What saved workflows, the trigger, the folder picker and Folder → Get do then — as the
 * README's "HeyGen today" table says.
 */
import {
	type IBinaryData,
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
} from 'n8n-workflow';

import { heyGenTrigger, runHeyGenNode, searchAssets, searchFolders } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 230, folders: 3, seed: 5, retireV1: true });
});
afterAll(async () => {
	await standIn.close();
});
/** Whether the test let v1 answer for a while (answerOnV1): then v1 may have answered 200. */
let v1Answered = false;
beforeEach(() => {
	standIn.reset();
	v1Answered = false;
});
afterEach(() => {
	// Nothing this file does may have asked v1 and got anything but 410, unless a test let v1 answer.
	if (!v1Answered)
		expect(standIn.requests.filter((r) => r.path.startsWith('/v1/') && r.status !== 410)).toEqual(
			[],
		);
});

/** HeyGen before the retirement: v1 answers until the test retires it. */
function answerOnV1() {
	standIn.retireV1(false);
	v1Answered = true;
}

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
const ids = (result: INodeExecutionData[][] | null) =>
	result ? result[0].map((item) => String(item.json.id)) : [];

async function runWithHints(
	parameters: INodeParameters,
	nodeVersion = 2,
	input: INodeExecutionData[] = [{ json: {} }],
) {
	const { output, hints } = await runHeyGenNode({
		credentials: credentials(),
		parameters,
		input,
		nodeVersion,
	});
	return { items: output[0].map((item) => item.json), hints };
}

async function run(parameters: INodeParameters, nodeVersion = 2, binary?: IBinaryData) {
	const input = [{ json: {}, ...(binary ? { binary: { data: binary } } : {}) }];
	return (await runWithHints(parameters, nodeVersion, input)).items;
}

async function failure(parameters: INodeParameters, nodeVersion = 2) {
	try {
		await run(parameters, nodeVersion);
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('the node succeeded but an error was expected');
}

/** An asset as v1 lists it: what v3 adds (owner, space_id) left out. */
const withoutV3Fields = (asset: Record<string, unknown>) => {
	const v1 = { ...asset };
	delete v1.owner;
	delete v1.space_id;
	return v1;
};

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

	it('Folder → Get (through /v3/folders where that answers)', async () => {
		const [folder] = standIn.folders;
		expect(await run({ resource: 'folder', operation: 'get', folderId: byId(folder.id) })).toEqual([
			expect.objectContaining({ id: folder.id, name: folder.name }),
		]);
	});

	it('the asset picker and the folder picker', async () => {
		const assets = await searchAssets(credentials());
		expect(assets.results).toHaveLength(100);
		const folders = await searchFolders(credentials());
		const recent = standIn.assets.slice(0, 100);
		const inUse = new Set(recent.map((asset) => asset.folder_id).filter(Boolean));
		expect(folders.results.map((folder) => folder.value).sort()).toEqual([...inUse].sort());
	});

	it('the trigger (version 2 polls v3)', async () => {
		await heyGenTrigger(credentials(), {}, 2).poll('manual');
		expect(standIn.requestsTo('/v3/assets').length).toBeGreaterThan(0);
	});
});

describe('saved version-1 workflows list through v3, with the same output', () => {
	it.each([
		['its defaults (a Limit of 50)', {}],
		['Return All', { returnAll: true }],
		['a file-type filter and a Limit', { filters: { fileType: 'video' }, limit: 7 }],
		['a file-type filter and Return All', { filters: { fileType: 'audio' }, returnAll: true }],
	])('Asset → Get Many with %s returns exactly what version 2 returns', async (_label, extra) => {
		const parameters = { resource: 'asset', operation: 'getAll', ...extra };
		const onVersion1 = await run(parameters, 1);
		const onVersion2 = await run(parameters, 2);
		expect(onVersion1).toEqual(onVersion2);
		expect(onVersion1.length).toBeGreaterThan(0);
	});

	it('the file-type filter holds and the Limit is reached across pages', async () => {
		const videos = standIn.assets.filter((asset) => asset.file_type === 'video');
		expect(videos.length).toBeGreaterThan(60);
		const items = await run(
			{ resource: 'asset', operation: 'getAll', filters: { fileType: 'video' }, limit: 60 },
			1,
		);
		expect(items.map((item) => item.id)).toEqual(videos.slice(0, 60).map((asset) => asset.id));
		// Paging stops at the page that holds the 60th video.
		const last = standIn.assets.findIndex((asset) => asset.id === videos[59].id);
		expect(standIn.requestsTo('/v3/assets')).toHaveLength(Math.floor(last / 100) + 1);
		expect(standIn.requestsTo('/v3/assets').length).toBeGreaterThan(1);
	});

	it('tells the user once per execution, as an execution hint, never as an error or in the items', async () => {
		const input = [{ json: {} }, { json: {} }, { json: {} }];
		const { items, hints } = await runWithHints(
			{ resource: 'asset', operation: 'getAll', limit: 2 },
			1,
			input,
		);
		expect(items).toHaveLength(6);
		for (const item of items)
			expect(Object.keys(item).sort()).toEqual([
				'created_ts',
				'file_type',
				'folder_id',
				'id',
				'name',
				'owner',
				'space_id',
				'url',
			]);
		expect(hints).toHaveLength(1);
		expect(hints[0].message).toMatch(/retired its v1 API \(GET \/v1\/asset\/list answered 410\)/);
		expect(hints[0].message).toMatch(/GET \/v3\/assets/);
		expect(hints[0].message).toMatch(/one member's uploads, here "stand-in-user"/);
		// Items start together, so each may have met the 410: never more than one ask per item.
		expect(standIn.requestsTo('/v1/asset/list').length).toBeLessThanOrEqual(input.length);
	});

	it('API Version v1 on version 2 lists through v3 too; version 2 on v3 gets no notice', async () => {
		const v1 = await runWithHints({ resource: 'asset', operation: 'getAll', apiVersion: 'v1' });
		const v3 = await runWithHints({ resource: 'asset', operation: 'getAll' });
		expect(v1.items).toEqual(v3.items);
		expect(v1.hints).toHaveLength(1);
		expect(v3.hints).toEqual([]);
	});

	it('a 404 from the v1 list is taken as retired too; while v1 answers, v3 is not asked', async () => {
		answerOnV1();
		standIn.addFault({ path: '/v1/asset/list', kind: 'status', status: 404, times: 5 });
		const retired = await runWithHints({ resource: 'asset', operation: 'getAll' }, 1);
		expect(retired.hints).toHaveLength(1);
		standIn.reset();
		standIn.retireV1(false);
		const answering = await runWithHints({ resource: 'asset', operation: 'getAll' }, 1);
		expect(answering.items).toEqual(retired.items.map(withoutV3Fields));
		expect(answering.hints).toEqual([]);
		expect(standIn.requestsTo('/v3/assets')).toEqual([]);
	});
});

describe('a version-1 trigger crosses the retirement exactly once', () => {
	it('continues on v3 from where it stood: every later asset once, nothing earlier', async () => {
		answerOnV1();
		const trigger = heyGenTrigger(credentials(), {}, 1);
		expect(await trigger.poll()).toBeNull();
		const a = standIn.addAsset();
		expect(ids(await trigger.poll())).toEqual([a.id]);
		const b = standIn.addAsset();
		standIn.retireV1();
		const c = standIn.addAsset();
		expect(ids(await trigger.poll())).toEqual([b.id, c.id]);
		expect(await trigger.poll()).toBeNull();
		const d = standIn.addAsset();
		expect(ids(await trigger.poll())).toEqual([d.id]);
		expect(standIn.requestsTo('/v3/assets').length).toBeGreaterThan(0);
	});

	it('v1 retired between two pages of one poll: the poll finishes on v3, each asset once', async () => {
		answerOnV1();
		const trigger = heyGenTrigger(credentials(), {}, 1);
		await trigger.poll();
		const added = Array.from({ length: 150 }, () => standIn.addAsset());
		standIn.afterRequest((record) => {
			if (record.path === '/v1/asset/list' && record.status === 200) standIn.retireV1();
		});
		expect(ids(await trigger.poll())).toEqual(added.map((asset) => asset.id));
		expect(standIn.requestsTo('/v1/asset/list').map((r) => r.status)).toEqual([200, 200, 410]);
		expect(await trigger.poll()).toBeNull();
	});

	it("a backlog left with v1's page token goes on from the front of v3, each asset once", async () => {
		answerOnV1();
		const trigger = heyGenTrigger(credentials(), {}, 1);
		await trigger.poll();
		const added = Array.from({ length: 250 }, () => standIn.addAsset());
		const first = ids(await trigger.poll('trigger', 0));
		expect(first.length).toBeLessThan(added.length);
		const backlog = (trigger.staticData().cursor as { backlog?: { token: string } }).backlog;
		expect(backlog?.token).toBeDefined();
		standIn.retireV1();
		const rest: string[] = [];
		for (let poll = 0; poll < 5; poll++) rest.push(...ids(await trigger.poll()));
		expect([...first, ...rest].sort()).toEqual(added.map((asset) => asset.id).sort());
		// v1's token never went to v3.
		for (const request of standIn.requestsTo('/v3/assets'))
			expect(request.query.token).not.toBe(backlog?.token);
	});

	it('a backlog left on v3 after the retirement keeps its v3 token', async () => {
		const trigger = heyGenTrigger(credentials(), {}, 1);
		await trigger.poll();
		const added = Array.from({ length: 250 }, () => standIn.addAsset());
		const first = ids(await trigger.poll('trigger', 0));
		const backlog = (trigger.staticData().cursor as { backlog?: { token: string; api?: string } })
			.backlog;
		expect(backlog?.api).toBe('v3');
		standIn.reset();
		const rest = ids(await trigger.poll());
		expect([...first, ...rest]).toHaveLength(added.length);
		expect(new Set([...first, ...rest]).size).toBe(added.length);
		expect(standIn.requestsTo('/v3/assets')[0].query.token).toBe(backlog?.token);
	});

	it('with a file-type filter: only the later assets of that type, each once', async () => {
		answerOnV1();
		const trigger = heyGenTrigger(credentials(), { filters: { fileType: 'video' } }, 1);
		await trigger.poll();
		standIn.retireV1();
		const image = standIn.addAsset({ file_type: 'image' });
		const video = standIn.addAsset({ file_type: 'video' });
		expect(ids(await trigger.poll())).toEqual([video.id]);
		expect(image.id).not.toBe(video.id);
		expect(await trigger.poll()).toBeNull();
	});
});

describe('folders by whatever HeyGen answers', () => {
	// The library as seeded: the trigger tests above uploaded assets at the root.
	beforeEach(() => standIn.reseed({ assets: 230, folders: 3, seed: 5 }));
	const getFolder = (id: string) => ({ resource: 'folder', operation: 'get', folderId: byId(id) });

	it('with /v3/folders absent but the v1 list answering, Folder → Get names the folder, nested ones too', async () => {
		answerOnV1();
		standIn.serveV3Folders(false);
		const [top] = standIn.folders;
		const child = standIn.addFolder({ name: 'Stills', parent_id: top.id });
		expect(await run(getFolder(top.id))).toEqual([
			expect.objectContaining({ id: top.id, name: top.name }),
		]);
		expect(await run(getFolder(child.id))).toEqual([
			expect.objectContaining({ id: child.id, name: 'Stills', parent_id: top.id }),
		]);
		expect(standIn.requests.filter((r) => r.path.startsWith('/v3/folders'))).toEqual([]);
	});

	it('with the v1 list answering, an ID in neither the list nor the trash is "no such folder"', async () => {
		answerOnV1();
		standIn.serveV3Folders(false);
		const error = await failure(getFolder('nofolder0001'));
		expect(error.message).toBe('HeyGen has no folder with ID "nofolder0001"');
		expect(error.description).toMatch(/neither HeyGen's folder list nor its trash/);
	});

	it('with neither source, Folder → Get says HeyGen offers no folder lookup, never that the folder is missing', async () => {
		standIn.serveV3Folders(false);
		const folderId = standIn.assets.find((asset) => asset.folder_id)?.folder_id ?? '';
		const error = await failure(getFolder(folderId));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			`HeyGen offers no folder lookup for this account, so folder "${folderId}" cannot be named`,
		);
		expect(error.message).not.toMatch(/has no folder/);
		expect(error.description).toMatch(/answered 410/);
		expect(error.description).toMatch(/says nothing about whether the folder exists/);
		expect(error.description).toMatch(/What still works/);
	});

	it('with neither source, the picker offers the folders of the recent assets by ID', async () => {
		standIn.serveV3Folders(false);
		const recent = standIn.assets.slice(0, 100);
		const inUse = [...new Set(recent.map((asset) => asset.folder_id).filter(Boolean))];
		expect(inUse.length).toBeGreaterThan(1);
		const result = await searchFolders(credentials());
		expect(result.results).toEqual(inUse.map((id) => ({ name: id, value: id })));
		// The bare 404 is heard once: the other folders are not asked.
		expect(standIn.requests.filter((r) => r.path.startsWith('/v3/folders'))).toHaveLength(1);
	});

	it('Folder → Get Many says plainly that it needs the v1 folder list', async () => {
		const error = await failure({ resource: 'folder', operation: 'getAll' });
		expect(error.httpCode).toBe('410');
		expect(error.message).toBe("HeyGen's folder list (/v1/folders) answered 410");
		expect(error.description).toMatch(/Listing folders needs HeyGen's v1 folder list/);
	});
});
