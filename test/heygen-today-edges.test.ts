/**
 * Today's HeyGen at its edges: a v1 retirement met by one item of several, a Base URL with no HeyGen
 * behind it, trashed and nested folders, a parent deleted while the folder list is walked, the
 * picker's requests, Folder → Get's shape whatever its source, and a trigger's backlog crossing the
 * retirement where n8n keeps only the positions of polls that emit.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	type IDataObject,
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
} from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { heyGenTrigger, runHeyGenNode, searchFolders } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

let standIn: StandIn;
const baseDelayMs = RETRY_POLICY.baseDelayMs;

beforeAll(async () => {
	RETRY_POLICY.baseDelayMs = 10;
	standIn = await startStandIn({ assets: 230, folders: 3, seed: 5 });
});
afterAll(async () => {
	RETRY_POLICY.baseDelayMs = baseDelayMs;
	await standIn.close();
});
beforeEach(() => {
	standIn.reset();
	standIn.reseed({ assets: 230, folders: 3, seed: 5 });
});

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
/** A Base URL with a path HeyGen does not have (a typo, an old proxy prefix): every route is a bare 404. */
const wrongBaseUrl = () => ({ apiKey: standIn.apiKey, baseUrl: `${standIn.url}/api` });
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
const getFolder = (id: string) => ({ resource: 'folder', operation: 'get', folderId: byId(id) });
const ids = (result: INodeExecutionData[][] | null) =>
	result ? result[0].map((item) => String(item.json.id)) : [];

async function run(
	parameters: INodeParameters,
	{
		nodeVersion = 2,
		input = [{ json: {} }] as INodeExecutionData[],
		continueOnFail = false,
		creds = credentials(),
	} = {},
) {
	const { output, hints } = await runHeyGenNode({
		credentials: creds,
		parameters,
		input,
		nodeVersion,
		continueOnFail,
	});
	return { items: output[0].map((item) => item.json), hints };
}

async function failure(parameters: INodeParameters, nodeVersion = 2, creds = credentials()) {
	try {
		await run(parameters, { nodeVersion, creds });
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('the node succeeded but an error was expected');
}

/** n8n's log warnings while a test runs, and how many of them are the v1-retired notice. */
function recordWarnings() {
	const logger = Container.get(Logger);
	const warnings: string[] = [];
	const recording = Object.create(logger) as Logger;
	Object.defineProperty(recording, 'warn', { value: (message: string) => warnings.push(message) });
	Container.set(Logger, recording);
	return {
		retiredNotices: () =>
			warnings.filter((warning) => warning.includes('HeyGen has retired its v1 API')).length,
		stop: () => Container.set(Logger, logger),
	};
}

const textOf = (error: NodeApiError) => `${error.message}\n${error.description ?? ''}`;

/** Marks a folder as trashed, as HeyGen's trash does (the stand-in has no trash endpoint). */
function trash(folder: { is_trash: boolean }) {
	folder.is_trash = true;
}

/**
 * A trigger polled as n8n persists it where only polls that emit are kept (n8n's durable poll
 * cursors commit the position with the execution a poll starts; n8n's defaults save it on emit):
 * a poll that returns null leaves the saved position as it was.
 */
function keptOnlyOnEmit(trigger: ReturnType<typeof heyGenTrigger>) {
	return async (budgetMs?: number) => {
		const staticData = trigger.staticData();
		const before = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		const result = await trigger.poll('trigger', budgetMs);
		if (result === null) {
			for (const key of Object.keys(staticData)) delete staticData[key];
			Object.assign(staticData, before);
		}
		return result;
	};
}

describe('where HeyGen or the account is not as usual', () => {
	it('Get Many v1: the "v1 retired" hint is still given when the first item that met the 410 failed afterwards (On Error → Continue)', async () => {
		standIn.retireV1();
		// The first item meets the 410, then /v3/users/me fails for it (retries used up).
		standIn.addFault({ path: '/v3/users/me', kind: 'status', status: 500, times: 4 });
		const { items, hints } = await run(
			{ resource: 'asset', operation: 'getAll', limit: 2, options: { requestsAtOnce: 1 } },
			{ nodeVersion: 1, input: [{ json: {} }, { json: {} }, { json: {} }], continueOnFail: true },
		);
		expect(items[0].error).toBe('HeyGen server error (500), retries used up');
		// The other items were listed through v3 (owner and space_id are v3's) ...
		expect(items.slice(1).map((item) => item.owner)).toEqual(Array(4).fill(standIn.username));
		// ... but the user is never told that v1 is gone and only the key's own uploads are listed.
		expect(hints).toHaveLength(1);
	});

	it('Get Many v1 with a wrong Base URL (every route a bare 404): the error names /v1/asset/list and the Base URL, not /v3/users/me', async () => {
		const error = await failure({ resource: 'asset', operation: 'getAll' }, 1, wrongBaseUrl());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(textOf(error)).toMatch(/\/v1\/asset\/list/);
		expect(textOf(error)).toMatch(/Base URL/);
	});

	it('Folder → Get with a wrong Base URL: the error points at the Base URL instead of asserting "HeyGen has retired it"', async () => {
		const error = await failure(getFolder('0123456789abcdef0123456789abcdef'), 2, wrongBaseUrl());
		expect(textOf(error)).toMatch(/Base URL/);
		expect(textOf(error)).not.toMatch(/HeyGen has retired it/);
	});

	it('Folder → Get of a trashed sub-folder (v1 list answering, no /v3/folders) does not say it is "in neither the folder list nor its trash"', async () => {
		standIn.serveV3Folders(false);
		const [top] = standIn.folders;
		const child = standIn.addFolder({ name: 'Old stills', parent_id: top.id });
		trash(child);
		// An asset still carries the folder's ID: the folder exists.
		standIn.addAsset({ folder_id: child.id });
		const { items } = await run(getFolder(child.id), { continueOnFail: true });
		expect(items[0].error ?? '').not.toMatch(/has no folder/);
		expect(items[0]).toMatchObject({ id: child.id, name: 'Old stills', is_trash: true });
	});

	it('Folder → Get of a folder inside a trashed folder (v1 list answering, no /v3/folders) does not say "HeyGen has no folder"', async () => {
		standIn.serveV3Folders(false);
		const [top] = standIn.folders;
		trash(top);
		const child = standIn.addFolder({ name: 'Inside the trash', parent_id: top.id });
		const { items } = await run(getFolder(child.id), { continueOnFail: true });
		expect(items[0].error ?? '').not.toMatch(/has no folder/);
		expect(items[0]).toMatchObject({ id: child.id, name: 'Inside the trash' });
	});

	it('a 404 on one parent’s listing after /v1/folders answered 200 in the same run is not "the list is retired": the other parents are still walked', async () => {
		standIn.serveV3Folders(false);
		const [a, b] = standIn.folders;
		standIn.addFolder({ name: 'A1', parent_id: a.id });
		const b1 = standIn.addFolder({ name: 'B1', parent_id: b.id });
		// HeyGen answers the second listing (a's children: a deleted meanwhile, say) 404 in its v1 shape.
		standIn.addFault({
			path: '/v1/folders',
			kind: 'status',
			status: 404,
			at: 2,
			message: 'folder not found',
		});
		const { items } = await run(getFolder(b1.id), { continueOnFail: true });
		expect(standIn.requestsTo('/v1/folders')[0].status).toBe(200);
		expect(items[0].error ?? '').not.toMatch(/no folder lookup/);
		expect(items[0]).toMatchObject({ id: b1.id, name: 'B1' });
	});

	it('the folder picker with v1 gone asks /v1/folders once per call, not twice', async () => {
		standIn.retireV1();
		const result = await searchFolders(credentials());
		expect(result.results.length).toBeGreaterThan(0);
		expect(standIn.requestsTo('/v1/folders')).toHaveLength(1);
	});

	it('Folder → Get has the same fields whichever source names the folder (the MCP example promises type and updated_ts)', async () => {
		const [folder] = standIn.folders;
		const fromList = (await run(getFolder(folder.id))).items[0];
		standIn.retireV1();
		const fromV3 = (await run(getFolder(folder.id))).items[0];
		// examples/heygen-assets-mcp.json, get_heygen_folder: "id, name, parent_id, is_trash, type, created_ts, updated_ts".
		for (const key of ['id', 'name', 'parent_id', 'is_trash', 'type', 'created_ts', 'updated_ts'])
			expect(Object.keys(fromList)).toContain(key);
		expect(Object.keys(fromList).sort()).toEqual(Object.keys(fromV3).sort());
	});

	it('a v1 backlog crossing to v3 drains where n8n keeps only positions of polls that emit (durable poll cursors)', async () => {
		const trigger = heyGenTrigger(credentials(), {}, 1);
		const poll = keptOnlyOnEmit(trigger);
		await trigger.poll();
		const added = Array.from({ length: 250 }, () => standIn.addAsset());
		// A poll that runs out of n8n's time: a backlog with v1's page token.
		const first = ids(await poll(0));
		expect(first.length).toBeLessThan(added.length);
		expect((trigger.staticData().cursor as { backlog?: { api?: string } }).backlog).toBeDefined();
		standIn.retireV1();
		// Each later poll re-reads v3 from the front (v1's token cannot go to v3) and has as little
		// time as the one that left the backlog: it reads only what was emitted, and emits nothing.
		const rest: string[] = [];
		for (let i = 0; i < 6; i++) rest.push(...ids(await poll(0)));
		// A list, not a set: each later asset once, none twice, none lost.
		expect([...first, ...rest].sort()).toEqual(added.map((asset) => asset.id).sort());
	});

	it("Fetch Test Event of a version-1 trigger on retired v1 returns the newest asset and says so in n8n's log", async () => {
		const warnings = recordWarnings();
		try {
			standIn.retireV1();
			const trigger = heyGenTrigger(credentials(), {}, 1);
			expect(ids(await trigger.poll('manual'))).toEqual([standIn.assets[0].id]);
			expect(warnings.retiredNotices()).toBe(1);
		} finally {
			warnings.stop();
		}
	});
});

describe('edges that hold', () => {
	it("the trigger's v1-retired notice goes to n8n's log once, not once a poll", async () => {
		const warnings = recordWarnings();
		try {
			const trigger = heyGenTrigger(credentials(), {}, 1);
			await trigger.poll();
			standIn.retireV1();
			for (let i = 0; i < 3; i++) {
				standIn.addAsset();
				await trigger.poll();
			}
			expect(warnings.retiredNotices()).toBe(1);
		} finally {
			warnings.stop();
		}
	});

	it('a quiet poll of a version-1 trigger after the retirement is two list requests: v1 asked again, then v3', async () => {
		standIn.retireV1();
		const trigger = heyGenTrigger(credentials(), {}, 1);
		await trigger.poll();
		standIn.reset();
		standIn.retireV1();
		expect(await trigger.poll()).toBeNull();
		const lists = standIn.requests.filter(
			(request) => request.path === '/v1/asset/list' || request.path === '/v3/assets',
		);
		expect(lists.map((request) => `${request.path} ${request.status}`)).toEqual([
			'/v1/asset/list 410',
			'/v3/assets 200',
		]);
	});

	it('Folder → Get names a folder on the second page of /v1/folders (130 folders) where /v3/folders is absent', async () => {
		standIn.reseed({ assets: 10, folders: 130, seed: 3 });
		standIn.serveV3Folders(false);
		const last = standIn.folders[standIn.folders.length - 1];
		const { items } = await run(getFolder(last.id));
		expect(items).toEqual([expect.objectContaining({ id: last.id, name: last.name })]);
		expect(standIn.requestsTo('/v1/folders').some((r) => r.query.token !== undefined)).toBe(true);
	});

	it('with v1 answering, the same backlog with v1 still answering drains under the same persistence', async () => {
		const trigger = heyGenTrigger(credentials(), {}, 1);
		const poll = keptOnlyOnEmit(trigger);
		await trigger.poll();
		const added = Array.from({ length: 250 }, () => standIn.addAsset());
		const emitted: string[] = [];
		for (let i = 0; i < 6; i++) emitted.push(...ids(await poll(0)));
		expect(emitted).toHaveLength(added.length);
		expect(new Set(emitted).size).toBe(added.length);
	});

	it('v1 coming back after the retirement, with a v3 backlog token: each asset once, the v3 token never sent to v1', async () => {
		const trigger = heyGenTrigger(credentials(), {}, 1);
		await trigger.poll();
		standIn.retireV1();
		const added = Array.from({ length: 250 }, () => standIn.addAsset());
		const first = ids(await trigger.poll('trigger', 0));
		const backlog = (trigger.staticData().cursor as { backlog?: { token: string; api?: string } })
			.backlog;
		expect(backlog?.api).toBe('v3');
		standIn.retireV1(false);
		const rest: string[] = [];
		for (let i = 0; i < 5; i++) rest.push(...ids(await trigger.poll('trigger', 0)));
		const all = [...first, ...rest];
		expect(all).toHaveLength(added.length);
		expect(new Set(all).size).toBe(added.length);
		for (const request of standIn.requestsTo('/v1/asset/list'))
			expect(request.query.token).not.toBe(backlog?.token);
	});

	it('a version-1 trigger with a Folder filter crosses the retirement: only that folder’s later assets, once', async () => {
		const folder = standIn.folders[0].id;
		const trigger = heyGenTrigger(credentials(), { filters: { folderId: byId(folder) } }, 1);
		await trigger.poll();
		const a = standIn.addAsset({ folder_id: folder });
		expect(ids(await trigger.poll())).toEqual([a.id]);
		standIn.retireV1();
		standIn.addAsset();
		const b = standIn.addAsset({ folder_id: folder });
		expect(ids(await trigger.poll())).toEqual([b.id]);
		expect(await trigger.poll()).toBeNull();
		for (const request of standIn.requestsTo('/v3/assets'))
			expect(request.query.folder_id).toBe(folder);
	});

	it('Get Many v1 (Limit 150) whose v1 list is retired between its pages returns exactly what version 2 returns, with one hint', async () => {
		standIn.afterRequest((record) => {
			if (record.path === '/v1/asset/list' && record.status === 200) standIn.retireV1();
		});
		const parameters = { resource: 'asset', operation: 'getAll', limit: 150 };
		const onV1 = await run(parameters, { nodeVersion: 1 });
		expect(standIn.requestsTo('/v1/asset/list').map((r) => r.status)).toEqual([200, 410]);
		standIn.reset();
		const onV2 = await run(parameters);
		expect(onV1.items).toEqual(onV2.items);
		expect(onV1.hints).toHaveLength(1);
	});

	it('a 5xx on /v1/folders mid-walk (retries used up) fails that item only; the next item walks on (the failure is not cached)', async () => {
		standIn.serveV3Folders(false);
		const [, b] = standIn.folders;
		const b1 = standIn.addFolder({ name: 'B1', parent_id: b.id });
		standIn.addFault({ path: '/v1/folders', kind: 'status', status: 500, at: 2, times: 4 });
		const { items } = await run(
			{
				resource: 'folder',
				operation: 'get',
				folderId: '={{ $json.id }}',
				options: { requestsAtOnce: 1 },
			},
			{ input: [{ json: { id: b1.id } }, { json: { id: b1.id } }], continueOnFail: true },
		);
		expect(items[0].error).toBe('HeyGen server error (500), retries used up');
		expect(items[1]).toMatchObject({ id: b1.id, name: 'B1' });
	});
});
