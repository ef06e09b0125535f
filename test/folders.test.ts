/**
 * Folders: Folder → Get and Get Many, the folder picker, the stand-in's GET /v3/folders/{folder_id}
 * and its v1 sunset switch, and what the picker and Get Many do when /v1/folders is gone — all with
 * n8n-core's contexts against the stand-in over real HTTP. (The folder tree's walk, pure:
 * folder-tree.test.ts.)
 */
import {
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { HeyGen } from '../nodes/HeyGen/HeyGen.node';
import { runHeyGenNode, searchFolders } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 40, folders: 5, seed: 19 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
const folderPath = (id: string) => `/v3/folders/${id}`;

async function run(
	parameters: INodeParameters,
	extra: { input?: INodeExecutionData[]; continueOnFail?: boolean } = {},
) {
	const { output } = await runHeyGenNode({
		credentials: credentials(),
		parameters,
		input: extra.input,
		continueOnFail: extra.continueOnFail,
		nodeVersion: 2,
	});
	return output[0];
}

async function runError(parameters: INodeParameters) {
	try {
		await run(parameters);
	} catch (error) {
		return error as NodeApiError & NodeOperationError;
	}
	throw new Error('the node succeeded but an error was expected');
}

const getFolder = (folderId: INodeParameters[string]): INodeParameters => ({
	resource: 'folder',
	operation: 'get',
	folderId,
});

/** The folders the stand-in's assets are in, newest asset first, each once. */
const foldersOfAssets = () => [
	...new Set(standIn.assets.map((asset) => asset.folder_id).filter((id) => id !== '')),
];

describe('the stand-in after HeyGen’s spec', () => {
	async function get(path: string) {
		const response = await fetch(`${standIn.url}${path}`, {
			headers: { 'x-api-key': standIn.apiKey },
		});
		return {
			status: response.status,
			body: (await response.json()) as { data: Record<string, unknown>; error?: unknown },
		};
	}

	it('GET /v3/folders/{folder_id}: the v3 folder object, parent_id absent at the root', async () => {
		const [folder] = standIn.folders;
		const child = standIn.addFolder({ name: 'Cuts', parent_id: folder.id });
		const root = await get(folderPath(folder.id));
		expect(root).toEqual({
			status: 200,
			body: {
				data: {
					folder_id: folder.id,
					name: folder.name,
					type: 'mixed',
					is_trash: false,
					created_at: folder.created_ts,
					updated_at: folder.created_ts,
					creator_username: standIn.username,
				},
			},
		});
		expect((await get(folderPath(child.id))).body.data.parent_id).toBe(folder.id);
	});

	it('an unknown or deleted folder is 404 in the v3 error shape', async () => {
		const [folder] = standIn.folders;
		expect(standIn.removeFolder(folder.id)).toBe(true);
		for (const id of [folder.id, 'not-a-folder']) {
			const { status, body } = await get(folderPath(id));
			expect(status).toBe(404);
			expect(body.error).toMatchObject({ code: 'not_found', param: 'folder_id' });
		}
		standIn.reseed({ assets: 40, folders: 5, seed: 19 });
	});

	it('retireV1 makes every /v1/* endpoint 410 in the v1 error shape; v3 keeps answering; reset undoes it', async () => {
		standIn.retireV1();
		for (const path of ['/v1/folders', '/v1/asset/list', '/v1/anything']) {
			const { status, body } = await get(path);
			expect(status).toBe(410);
			expect(body).toEqual({ error: expect.stringContaining('retired'), data: null });
		}
		expect((await get(`/v3/assets?username=${standIn.username}`)).status).toBe(200);
		expect((await get(folderPath(standIn.folders[0].id))).status).toBe(200);
		standIn.reset();
		expect((await get('/v1/folders')).status).toBe(200);
	});
});

describe('Folder → Get', () => {
	it('is an operation of the Folder resource, with an action for agents', () => {
		const operation = new HeyGen().description.properties.find(
			(property) =>
				property.name === 'operation' &&
				property.displayOptions?.show?.resource?.includes('folder'),
		);
		expect(operation?.options).toContainEqual(
			expect.objectContaining({ value: 'get', action: 'Get a folder' }),
		);
	});

	it('gets one folder by ID from the folder list, in Folder → Get’s shape, without asking v3', async () => {
		const [listed] = await run({ resource: 'folder', operation: 'getAll', limit: 1 });
		standIn.reset();
		const [item] = await run(getFolder(byId(String(listed.json.id))));
		expect(item.json).toEqual({
			id: listed.json.id,
			name: listed.json.name,
			parent_id: null,
			created_ts: listed.json.created_ts,
			is_trash: false,
			type: listed.json.project_type,
			updated_ts: null,
			creator_username: null,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(standIn.requestsTo('/v1/folders')[0].apiKey).toBe(standIn.apiKey);
		expect(standIn.requests.filter((r) => r.path.startsWith('/v3/folders'))).toEqual([]);
	});

	it('where the list is gone, gets it through v3, in the shape of a List Folders item plus what v3 adds', async () => {
		const [folder] = standIn.folders;
		standIn.retireV1();
		const [item] = await run(getFolder(byId(folder.id)));
		expect(item.json).toEqual({
			id: folder.id,
			name: folder.name,
			parent_id: null,
			created_ts: folder.created_ts,
			is_trash: folder.is_trash,
			type: 'mixed',
			updated_ts: folder.created_ts,
			creator_username: standIn.username,
		});
		expect(standIn.requestsTo(folderPath(folder.id))[0].apiKey).toBe(standIn.apiKey);
	});

	it('a folder inside another has its parent_id; From List gives the id as By ID does', async () => {
		const parent = standIn.folders[1];
		const child = standIn.addFolder({ name: 'Stills', parent_id: parent.id });
		const [item] = await run(getFolder({ __rl: true, mode: 'list', value: child.id }));
		expect(item.json).toMatchObject({ id: child.id, name: 'Stills', parent_id: parent.id });
	});

	it('an unknown id is a 404 NodeApiError that names it', async () => {
		const error = await runError(getFolder(byId('nofolder0001')));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('HeyGen has no folder with ID "nofolder0001"');
		expect(error.description).toMatch(/deleted, or it belongs to another workspace/);
		expect(error.httpCode).toBe('404');
	});

	it.each([
		['empty', ''],
		['with a slash', 'a/b'],
	])('a folder ID that is %s is refused before any request', async (_label, value) => {
		const error = await runError(getFolder(byId(value)));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Folder/);
		expect(standIn.requests).toHaveLength(0);
	});

	it('items that name the same folder ask HeyGen once per run; with On Error → Continue a missing one is its error item', async () => {
		const [first, second] = standIn.folders;
		const input = [first.id, second.id, first.id, 'gone-folder'].map((id) => ({ json: { id } }));
		const items = await run(getFolder(byId('={{ $json.id }}')), { input, continueOnFail: true });
		expect(items.map((item) => item.json.id ?? item.json.error)).toEqual([
			first.id,
			second.id,
			first.id,
			'HeyGen has no folder with ID "gone-folder"',
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		// The list is walked once for the run (top level, each folder's own, then each one's trash), not per item.
		const listings = standIn.requestsTo('/v1/folders');
		const asked = listings.map(
			(r) => `${r.query.is_trash ? 'trash of ' : ''}${r.query.parent_id ?? 'top'}`,
		);
		expect(new Set(asked).size).toBe(asked.length);
		const parents = ['top', ...standIn.folders.map((folder) => folder.id)];
		expect(asked).toEqual([...parents, ...parents.map((parent) => `trash of ${parent}`)]);
		expect(standIn.requestsTo(folderPath(first.id))).toHaveLength(0);
	});

	it('works with v1 retired', async () => {
		standIn.retireV1();
		const [folder] = standIn.folders;
		const [item] = await run(getFolder(byId(folder.id)));
		expect(item.json).toMatchObject({ id: folder.id, name: folder.name });
	});
});

describe('when /v1/folders is gone', () => {
	it('Folder → Get Many says so, and names Folder → Get as what still works', async () => {
		standIn.retireV1();
		const error = await runError({ resource: 'folder', operation: 'getAll', returnAll: true });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe("HeyGen's folder list (/v1/folders) answered 410");
		expect(error.description).toMatch(/Folder → Get/);
		expect(error.description).toMatch(/GET \/v3\/folders\/\{folder_id\}/);
	});

	it.each([404, 410])(
		'(%i) the folder picker offers the folders of the recent assets, named through v3, each asked once',
		async (status) => {
			standIn.addFault({ path: '/v1/folders', kind: 'status', status, times: 100 });
			const expected = foldersOfAssets();
			expect(expected.length).toBeGreaterThan(1);
			const result = await searchFolders(credentials());
			const names = new Map(standIn.folders.map((folder) => [folder.id, folder.name]));
			expect(result.results).toEqual(expected.map((id) => ({ name: names.get(id), value: id })));
			expect(result.paginationToken).toBeUndefined();
			for (const id of expected) expect(standIn.requestsTo(folderPath(id))).toHaveLength(1);
			expect(standIn.requestsTo('/v3/assets')[0].query.limit).toBe('100');
		},
	);

	it('the picker asks the folder list once per call: after its 410, the names come through v3', async () => {
		standIn.addFault({ path: '/v1/folders', kind: 'status', status: 410 });
		const names = new Map(standIn.folders.map((folder) => [folder.id, folder.name]));
		const result = await searchFolders(credentials());
		expect(result.results).toEqual(
			foldersOfAssets().map((id) => ({ name: names.get(id), value: id })),
		);
		expect(standIn.requestsTo('/v1/folders')).toHaveLength(1);
		expect(standIn.requests.filter((r) => r.path.startsWith('/v3/folders'))).toHaveLength(
			foldersOfAssets().length,
		);
	});

	it('the picker’s search filters those folders by name', async () => {
		standIn.retireV1();
		const [wanted] = foldersOfAssets();
		const name = standIn.folders.find((folder) => folder.id === wanted)?.name ?? '';
		const result = await searchFolders(credentials(), name.toUpperCase());
		expect(result.results.map((folder) => folder.value)).toEqual([wanted]);
	});

	it('a folder deleted since its assets were listed is left out of the picker', async () => {
		standIn.retireV1();
		const [gone, ...kept] = foldersOfAssets();
		standIn.removeFolder(gone);
		const result = await searchFolders(credentials());
		expect(result.results.map((folder) => folder.value)).toEqual(kept);
	});

	it('a later page of the picker (v1 gone while paging) is the plain error, not the list again', async () => {
		standIn.retireV1();
		await expect(searchFolders(credentials(), undefined, 'a-v1-token')).rejects.toThrow(
			"HeyGen's folder list (/v1/folders) answered 410",
		);
		expect(standIn.requestsTo('/v3/assets')).toEqual([]);
	});

	it('while /v1/folders answers, the picker asks nothing of v3', async () => {
		const result = await searchFolders(credentials());
		const topLevel = standIn.folders.filter((folder) => folder.parent_id === null);
		expect(result.results.map((folder) => folder.value)).toEqual(topLevel.map((f) => f.id));
		expect(standIn.requests.filter((request) => request.path.startsWith('/v3/'))).toEqual([]);
	});
});

describe('the stand-in without /v3/folders (as in HeyGen’s published spec)', () => {
	it('answers a bare 404 for every id, as an unknown route, and serves it again after reset', async () => {
		const [folder] = standIn.folders;
		standIn.serveV3Folders(false);
		const response = await fetch(`${standIn.url}${folderPath(folder.id)}`, {
			headers: { 'x-api-key': standIn.apiKey },
		});
		expect(response.status).toBe(404);
		expect(await response.text()).toBe('404 page not found');
		const unknown = await fetch(`${standIn.url}/v3/no-such-route`, {
			headers: { 'x-api-key': standIn.apiKey },
		});
		expect([unknown.status, await unknown.text()]).toEqual([404, '404 page not found']);
		standIn.reset();
		const served = await fetch(`${standIn.url}${folderPath(folder.id)}`, {
			headers: { 'x-api-key': standIn.apiKey },
		});
		expect(served.status).toBe(200);
	});
});

describe('Folder picker (listSearch)', () => {
	// 130 folders: two pages of the picker.
	let library: StandIn;
	beforeAll(async () => {
		library = await startStandIn({ assets: 10, folders: 130, seed: 3 });
	});
	afterAll(async () => {
		await library.close();
	});
	beforeEach(() => library.reset());
	const credentials = () => ({ apiKey: library.apiKey, baseUrl: library.url });

	it('lists folders a page at a time, following the token', async () => {
		const first = await searchFolders(credentials());
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await searchFolders(credentials(), undefined, first.paginationToken);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results]).toEqual(
			library.folders.map((folder) => ({ name: folder.name, value: folder.id })),
		);
	});

	it('searches by name with name_filter', async () => {
		const result = await searchFolders(credentials(), 'demos');
		expect(result.results.length).toBeGreaterThan(0);
		expect(result.results.every((folder) => /demos/i.test(String(folder.name)))).toBe(true);
		expect(library.requestsTo('/v1/folders')[0].query).toMatchObject({
			name_filter: 'demos',
			limit: '100',
		});
	});

	it('a bad key is the same clear NodeApiError as in the node', async () => {
		await expect(searchFolders({ apiKey: 'nope', baseUrl: library.url })).rejects.toThrow(
			'The HeyGen API key was rejected',
		);
	});
});

describe('Folder → Get Many', () => {
	// Three folders at the top, none nested: what a new account's library looks like.
	let library: StandIn;
	beforeAll(async () => {
		library = await startStandIn({ assets: 10, folders: 3, seed: 21 });
	});
	afterAll(async () => {
		await library.close();
	});
	beforeEach(() => library.reset());
	const listFolders = async (parameters: INodeParameters) => {
		const { output } = await runHeyGenNode({
			credentials: { apiKey: library.apiKey, baseUrl: library.url },
			parameters,
			nodeVersion: 2,
		});
		return output[0];
	};
	const listError = async (parameters: INodeParameters) => {
		try {
			await listFolders(parameters);
		} catch (error) {
			return error as NodeApiError;
		}
		throw new Error('the node succeeded but an error was expected');
	};
	it('Return All: one item per folder, as HeyGen lists them', async () => {
		const items = await listFolders({ resource: 'folder', operation: 'getAll', returnAll: true });
		expect(items.map((item) => item.json)).toEqual(
			library.folders.filter((folder) => folder.parent_id === null),
		);
		expect(Object.keys(items[0].json)).toEqual(
			expect.arrayContaining(['id', 'name', 'parent_id', 'created_ts']),
		);
	});

	it('Limit, Name Contains and Parent Folder go to HeyGen as limit, name_filter and parent_id', async () => {
		const parent = library.folders[0];
		const children = ['Cuts 1', 'Cuts 2', 'Stills'].map((name) =>
			library.addFolder({ name, parent_id: parent.id }),
		);
		const inside = await listFolders({
			resource: 'folder',
			operation: 'getAll',
			returnAll: true,
			filters: { parentId: byId(parent.id) },
		});
		expect(inside.map((item) => item.json.id)).toEqual(children.map((child) => child.id));
		const named = await listFolders({
			resource: 'folder',
			operation: 'getAll',
			limit: 1,
			filters: { name: 'cuts', parentId: byId(parent.id) },
		});
		expect(named.map((item) => item.json.id)).toEqual([children[0].id]);
		expect(library.requestsTo('/v1/folders').at(-1)?.query).toEqual({
			limit: '1',
			name_filter: 'cuts',
			parent_id: parent.id,
		});
	});

	it('pages through many folders: every folder once', async () => {
		const many = await startStandIn({ assets: 1, folders: 250 });
		try {
			const { output } = await runHeyGenNode({
				credentials: { apiKey: many.apiKey, baseUrl: many.url },
				parameters: { resource: 'folder', operation: 'getAll', returnAll: true },
				nodeVersion: 2,
			});
			expect(output[0].map((item) => item.json.id)).toEqual(
				many.folders.map((folder) => folder.id),
			);
			expect(many.requestsTo('/v1/folders').map((request) => request.query.limit)).toEqual([
				'100',
				'100',
				'100',
			]);
		} finally {
			await many.close();
		}
	});

	it('a 404 from /v1/folders says plainly that HeyGen has no other folder list', async () => {
		library.addFault({ path: '/v1/folders', kind: 'status', status: 404 });
		const error = await listError({ resource: 'folder', operation: 'getAll', returnAll: true });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe("HeyGen's folder list (/v1/folders) answered 404");
		expect(error.description).toMatch(/v3 has no folder list/);
	});
});
