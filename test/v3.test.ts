import {
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

const V3 = '/v3/assets';
const ME = '/v3/users/me';
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({
		assets: { image: 90, audio: 60, video: 60 },
		folders: 3,
		seed: 21,
		username: 'jane_doe',
	});
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

async function run(parameters: INodeParameters, input?: INodeExecutionData[]) {
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'getAll', apiVersion: 'v3', ...parameters },
		input,
	});
	return output[0];
}

const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.id);

it('Return All on v3 follows next_token while has_more: every asset once, in order, in the v1 output shape', async () => {
	const items = await run({ returnAll: true });
	expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
	const first = standIn.assets[0];
	expect(items[0].json).toEqual({ ...first, owner: 'jane_doe', space_id: 'space-0001' });
	const root = items.find((item) => item.json.folder_id === '');
	expect(root).toBeDefined();
	const requests = standIn.requestsTo(V3);
	// Three pages, one request each: nothing is read again.
	expect(requests.map((request) => request.query.limit)).toEqual(['100', '100', '100']);
	expect(requests.every((request) => request.query.username === 'jane_doe')).toBe(true);
	expect(requests[0].query.token).toBeUndefined();
	expect(requests[1].query.token).toEqual(expect.any(String));
	expect(requests[2].query.token).toEqual(expect.any(String));
});

it('asks /v3/users/me once per execution, whatever the number of items', async () => {
	const items = await run({ limit: 3 }, [{ json: {} }, { json: {} }, { json: {} }]);
	expect(items).toHaveLength(9);
	expect(standIn.requestsTo(ME)).toHaveLength(1);
	expect(standIn.requestsTo(V3)).toHaveLength(3);
});

it('an Owner Username is sent as it is, without asking /v3/users/me', async () => {
	const items = await run({ limit: 5, ownerUsername: 'jane_doe' });
	expect(items).toHaveLength(5);
	expect(standIn.requestsTo(ME)).toHaveLength(0);
	expect(standIn.requestsTo(V3)[0].query.username).toBe('jane_doe');
});

it('the file type is filtered in the node on v3, and Limit counts what is left after it', async () => {
	const items = await run({ limit: 70, filters: { fileType: 'video' } });
	const videos = standIn.assets
		.filter((asset) => asset.file_type === 'video')
		.map((asset) => asset.id);
	expect(ids(items)).toEqual(videos.slice(0, 60));
	expect(items).toHaveLength(60);
	const requests = standIn.requestsTo(V3);
	expect(
		requests.every(
			(request) => request.query.file_type === undefined && request.query.limit === '100',
		),
	).toBe(true);
	expect(requests).toHaveLength(3);
});

it('Limit with a file type stops as soon as it has enough', async () => {
	const items = await run({ limit: 10, filters: { fileType: 'image' } });
	expect(ids(items)).toEqual(
		standIn.assets
			.filter((asset) => asset.file_type === 'image')
			.slice(0, 10)
			.map((asset) => asset.id),
	);
	expect(standIn.requestsTo(V3)).toHaveLength(1);
});

it('the folder filter reaches v3 as folder_id', async () => {
	const folder = standIn.folders[0];
	const items = await run({
		returnAll: true,
		filters: { folderId: { __rl: true, mode: 'id', value: folder.id } },
	});
	expect(ids(items)).toEqual(
		standIn.assets.filter((asset) => asset.folder_id === folder.id).map((asset) => asset.id),
	);
	expect(standIn.requestsTo(V3)[0].query.folder_id).toBe(folder.id);
});

it('a wrong key on v3 is the same clear 401', async () => {
	const error = await runHeyGenNode({
		credentials: { apiKey: 'nope', baseUrl: standIn.url },
		parameters: {
			resource: 'asset',
			operation: 'getAll',
			apiVersion: 'v3',
			ownerUsername: 'jane_doe',
		},
	}).catch((e: unknown) => e as NodeApiError);
	expect(error).toBeInstanceOf(NodeApiError);
	expect((error as NodeApiError).message).toBe('The HeyGen API key was rejected');
	expect((error as NodeApiError).description).toContain('Invalid or missing API key');
});

it('a token loop on v3 is an error, not a hang', async () => {
	standIn.set({ tokenLoop: true });
	await expect(run({ returnAll: true })).rejects.toThrow(
		'HeyGen returned the same page token again',
	);
});

it('an unknown API version is a NodeOperationError', async () => {
	await expect(run({ apiVersion: '={{ "v2" }}' })).rejects.toBeInstanceOf(NodeOperationError);
});

it('v1 answering 410 (retired) lists through v3 instead, with the same output', async () => {
	standIn.addFault({ path: '/v1/asset/list', kind: 'status', status: 410, message: 'Gone' });
	const throughV1 = await run({ apiVersion: 'v1', returnAll: true });
	expect(throughV1.map((item) => item.json)).toEqual(
		(await run({ returnAll: true })).map((item) => item.json),
	);
	expect(standIn.requestsTo('/v1/asset/list').map((request) => request.status)).toEqual([410]);
});
