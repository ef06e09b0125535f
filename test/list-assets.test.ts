import {
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

const LIST = '/v1/asset/list';
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({
		assets: { image: 110, audio: 70, video: 70 },
		folders: 5,
		seed: 7,
	});
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => {
	standIn.reset();
});

function credentials(apiKey = standIn.apiKey) {
	return { apiKey, baseUrl: standIn.url };
}

async function run(
	parameters: INodeParameters,
	extra: { input?: INodeExecutionData[]; continueOnFail?: boolean; apiKey?: string } = {},
) {
	const { output } = await runHeyGenNode({
		credentials: credentials(extra.apiKey),
		parameters: { resource: 'asset', operation: 'getAll', ...parameters },
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});
	return output[0];
}

async function runError(parameters: INodeParameters, extra: { apiKey?: string } = {}) {
	try {
		await run(parameters, extra);
	} catch (error) {
		return error as NodeApiError & NodeOperationError;
	}
	throw new Error('the node succeeded but an error was expected');
}

const ids = (items: Array<{ json: Record<string, unknown> }>) => items.map((item) => item.json.id);

describe('Return All', () => {
	it('follows the token over every page: each asset once, in HeyGen order, ceil(N/100) requests of 100', async () => {
		const items = await run({ returnAll: true });
		expect(standIn.assets).toHaveLength(250);
		expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
		expect(new Set(ids(items)).size).toBe(250);
		const requests = standIn.requestsTo(LIST);
		expect(requests).toHaveLength(Math.ceil(250 / 100));
		expect(requests.map((request) => request.query.limit)).toEqual(['100', '100', '100']);
		expect(requests[0].query.token).toBeUndefined();
		expect(requests[1].query.token).toEqual(expect.any(String));
	});

	it('emits each asset object as HeyGen returns it, paired with the input item', async () => {
		const items = await run({ returnAll: true });
		expect(items[0].json).toEqual(standIn.assets[0]);
		expect(Object.keys(items[0].json).sort()).toEqual([
			'created_ts',
			'file_type',
			'folder_id',
			'id',
			'name',
			'url',
		]);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('sends the API key as x-api-key, taken from the credential', async () => {
		await run({ returnAll: true });
		const keys = standIn.requestsTo(LIST).map((request) => request.apiKey);
		expect(keys).toEqual([standIn.apiKey, standIn.apiKey, standIn.apiKey]);
	});

	it.each([
		['an empty string', 'empty'],
		['a missing token', 'absent'],
	] as const)('stops when the last page ends with %s', async (_label, endToken) => {
		standIn.set({ endToken });
		const items = await run({ returnAll: true });
		expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
		expect(standIn.requestsTo(LIST)).toHaveLength(3);
	});

	it('accepts total as a string, as HeyGen documents it', async () => {
		standIn.set({ totalAsString: true });
		const items = await run({ returnAll: true });
		expect(items).toHaveLength(250);
	});

	it('fails with a clear error instead of looping when the token never changes', async () => {
		standIn.set({ tokenLoop: true });
		const error = await runError({ returnAll: true });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/same page token/);
		expect(standIn.requestsTo(LIST).length).toBeLessThanOrEqual(3);
	});
});

describe('Limit', () => {
	it('Limit 150 asks for 100, then the 50 still missing', async () => {
		const items = await run({ returnAll: false, limit: 150 });
		expect(ids(items)).toEqual(standIn.assets.slice(0, 150).map((asset) => asset.id));
		expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual(['100', '50']);
	});

	it('a small Limit takes one request of that size', async () => {
		const items = await run({ returnAll: false, limit: 7 });
		expect(ids(items)).toEqual(standIn.assets.slice(0, 7).map((asset) => asset.id));
		expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual(['7']);
	});

	it('defaults to 50', async () => {
		const items = await run({});
		expect(items).toHaveLength(50);
		expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual(['50']);
	});

	it('a Limit above what exists returns everything without asking past the end', async () => {
		const items = await run({ limit: 1000 });
		expect(items).toHaveLength(250);
		expect(standIn.requestsTo(LIST)).toHaveLength(3);
	});

	it.each([0, -3, 2.5, 'ten'])(
		'Limit %p is a NodeOperationError naming the field, and nothing is sent',
		async (limit) => {
			const error = await runError({ limit });
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/Limit/);
			expect(standIn.requestsTo(LIST)).toHaveLength(0);
		},
	);
});

describe('Filters', () => {
	it('file type and folder (By ID) reach HeyGen as query parameters and give exactly that subset', async () => {
		const folder = standIn.folders[1];
		const expected = standIn.assets.filter(
			(asset) => asset.file_type === 'video' && asset.folder_id === folder.id,
		);
		expect(expected.length).toBeGreaterThan(3);
		const items = await run({
			returnAll: true,
			filters: { fileType: 'video', folderId: { __rl: true, mode: 'id', value: folder.id } },
		});
		expect(ids(items)).toEqual(expected.map((asset) => asset.id));
		const [request] = standIn.requestsTo(LIST);
		expect(request.query).toMatchObject({ file_type: 'video', folder_id: folder.id, limit: '100' });
	});

	it('the folder picked From List filters the same way', async () => {
		const folder = standIn.folders[0];
		const items = await run({
			returnAll: true,
			filters: {
				folderId: { __rl: true, mode: 'list', value: folder.id, cachedResultName: folder.name },
			},
		});
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((item) => item.json.folder_id === folder.id)).toBe(true);
		expect(ids(items)).toEqual(
			standIn.assets.filter((asset) => asset.folder_id === folder.id).map((asset) => asset.id),
		);
	});

	it('image filter over several pages', async () => {
		const items = await run({ returnAll: true, filters: { fileType: 'image' } });
		expect(items).toHaveLength(110);
		expect(standIn.requestsTo(LIST)).toHaveLength(2);
		expect(items.every((item) => item.json.file_type === 'image')).toBe(true);
	});

	it('runs once per input item, so expressions give each item its own filter', async () => {
		const items = await run(
			{ returnAll: true, filters: { fileType: '={{ $json.type }}' } },
			{ input: [{ json: { type: 'audio' } }, { json: { type: 'video' } }] },
		);
		const audio = standIn.assets
			.filter((asset) => asset.file_type === 'audio')
			.map((asset) => asset.id);
		const video = standIn.assets
			.filter((asset) => asset.file_type === 'video')
			.map((asset) => asset.id);
		expect(ids(items)).toEqual([...audio, ...video]);
		expect(
			items
				.slice(0, audio.length)
				.every((item) => (item.pairedItem as { item: number }).item === 0),
		).toBe(true);
		expect(
			items.slice(audio.length).every((item) => (item.pairedItem as { item: number }).item === 1),
		).toBe(true);
	});

	it('an unknown file type from an expression is a NodeOperationError, and nothing is sent', async () => {
		const error = await runError({ filters: { fileType: '={{ "gif" }}' } });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/File Type/);
		expect(standIn.requestsTo(LIST)).toHaveLength(0);
	});

	it.each(['a b', 'abc/def', '../x'])('folder ID %p is a NodeOperationError', async (value) => {
		const error = await runError({ filters: { folderId: { __rl: true, mode: 'id', value } } });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/Folder ID/);
		expect(standIn.requestsTo(LIST)).toHaveLength(0);
	});
});

describe('HeyGen errors', () => {
	it('401: the API key was rejected, pointing at the credential, without the key', async () => {
		const error = await runError({ returnAll: true }, { apiKey: 'wrong-key-0123456789' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('401');
		expect(error.message).toBe('The HeyGen API key was rejected');
		expect(error.description).toMatch(/credential/);
		expect(
			JSON.stringify({
				message: error.message,
				description: error.description,
				context: error.context,
			}),
		).not.toContain('wrong-key-0123456789');
		expect(standIn.requestsTo(LIST)).toHaveLength(1);
	});

	it("a 400 is not retried and carries HeyGen's message", async () => {
		standIn.addFault({ path: LIST, kind: 'status', status: 400, message: 'folder_id is invalid' });
		const error = await runError({ returnAll: true });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('400');
		expect(error.message).toContain('folder_id is invalid');
		expect(standIn.requestsTo(LIST)).toHaveLength(1);
	});

	it('404 on v1 is taken as HeyGen having retired it: the listing goes through v3', async () => {
		standIn.addFault({ path: LIST, kind: 'status', status: 404, message: 'Not Found' });
		const items = await run({ returnAll: true });
		expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
		expect(standIn.requestsTo('/v3/assets').length).toBeGreaterThan(0);
	});

	it('a 200 that is not JSON is an error, not an empty success', async () => {
		standIn.addFault({ path: LIST, kind: 'notJson' });
		const error = await runError({ returnAll: true });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('HeyGen returned a response that is not JSON');
	});

	it('truncated JSON on a middle page fails the item: no partial list', async () => {
		standIn.addFault({ path: LIST, kind: 'truncated', at: 2 });
		const error = await runError({ returnAll: true });
		expect(error.message).toBe('HeyGen returned a response that is not JSON');
	});

	it("a 200 with a non-null error is an error with HeyGen's message", async () => {
		standIn.addFault({ path: LIST, kind: 'errorBody', message: 'internal quota check failed' });
		const error = await runError({ returnAll: true });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('HeyGen error: internal quota check failed');
	});

	it('a 200 without data is an error', async () => {
		standIn.addFault({ path: LIST, kind: 'noData', at: 3 });
		const error = await runError({ returnAll: true });
		expect(error.message).toBe('HeyGen returned an unexpected response');
		expect(error.description).toMatch(/200 assets had been read/);
	});

	it('continueOnFail: the failing item becomes an error item and the others go on', async () => {
		const items = await run(
			{ returnAll: false, limit: 5, filters: { fileType: '={{ $json.type }}' } },
			{ input: [{ json: { type: 'gif' } }, { json: { type: 'image' } }], continueOnFail: true },
		);
		expect(items[0].json.error).toMatch(/File Type/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items.slice(1)).toHaveLength(5);
		expect(
			items
				.slice(1)
				.every(
					(item) =>
						item.json.file_type === 'image' && (item.pairedItem as { item: number }).item === 1,
				),
		).toBe(true);
	});

	it('continueOnFail with a HeyGen error keeps the message and emits no partial list for that item', async () => {
		standIn.addFault({ path: LIST, kind: 'errorBody', at: 2, message: 'boom' });
		// One item after the other, so that the fault hits the first item's second page.
		const items = await run(
			{ returnAll: true, options: { requestsAtOnce: 1 } },
			{ input: [{ json: {} }, { json: {} }], continueOnFail: true },
		);
		expect(items[0].json).toEqual({ error: 'HeyGen error: boom' });
		expect(items.slice(1).map((item) => item.json.id)).toEqual(
			standIn.assets.map((asset) => asset.id),
		);
	});
});

describe('retries', () => {
	it('429 with Retry-After in the middle: waits as asked, nothing lost or doubled, no page fetched twice', async () => {
		standIn.addFault({ path: LIST, kind: 'status', status: 429, retryAfter: '1', at: 2 });
		const items = await run({ returnAll: true });
		expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
		const requests = standIn.requestsTo(LIST);
		expect(requests.map((request) => request.status)).toEqual([200, 429, 200, 200]);
		expect(requests[2].query.token).toBe(requests[1].query.token);
		expect(
			new Set(requests.filter((r) => r.status === 200).map((r) => r.query.token ?? '')).size,
		).toBe(3);
		expect(requests[2].at - requests[1].at).toBeGreaterThanOrEqual(950);
	});

	it('Retry-After as an HTTP date is honoured too', async () => {
		standIn.addFault({
			path: LIST,
			kind: 'status',
			status: 429,
			retryAfter: new Date(Date.now() + 2000).toUTCString(),
		});
		const items = await run({ returnAll: true });
		expect(items).toHaveLength(250);
		const requests = standIn.requestsTo(LIST);
		expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(900);
	});

	describe('with the backoff at a tenth of its size (the same doubling, less waiting)', () => {
		const { baseDelayMs } = RETRY_POLICY;
		const base = baseDelayMs / 10;
		beforeAll(() => {
			RETRY_POLICY.baseDelayMs = base;
		});
		afterAll(() => {
			RETRY_POLICY.baseDelayMs = baseDelayMs;
		});

		it('5xx and an HTML 502 page in a row are retried with backoff and recovered', async () => {
			standIn.addFault({ path: LIST, kind: 'status', status: 503, at: 3 });
			standIn.addFault({ path: LIST, kind: 'html', status: 502, at: 4 });
			const items = await run({ returnAll: true });
			expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
			const requests = standIn.requestsTo(LIST);
			expect(requests.map((request) => request.status)).toEqual([200, 200, 503, 502, 200]);
			// Backoff doubles: the base, then twice the base.
			expect(requests[3].at - requests[2].at).toBeGreaterThanOrEqual(0.95 * base);
			expect(requests[4].at - requests[3].at).toBeGreaterThanOrEqual(1.9 * base);
		});

		it('a dropped connection is retried', async () => {
			standIn.addFault({ path: LIST, kind: 'reset', at: 2 });
			const items = await run({ returnAll: true });
			expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
			expect(standIn.requestsTo(LIST)).toHaveLength(4);
		});

		it('5xx beyond the retry budget fails with a NodeApiError after 1 + 3 attempts', async () => {
			standIn.addFault({
				path: LIST,
				kind: 'status',
				status: 500,
				times: 10,
				message: 'database unavailable',
			});
			const error = await runError({ limit: 5 });
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.httpCode).toBe('500');
			expect(error.message).toMatch(/retries used up/);
			expect(error.description).toContain('database unavailable');
			expect(standIn.requestsTo(LIST)).toHaveLength(4);
		});
	});

	it.each([
		['stop on error', false],
		['On Error → Continue', true],
	])(
		'a cancelled execution (%s) stops while waiting on Retry-After: "The execution was cancelled", no error items, no further input items',
		async (_label, continueOnFail) => {
			standIn.addFault({ path: LIST, kind: 'status', status: 429, retryAfter: '20' });
			const controller = new AbortController();
			const started = Date.now();
			setTimeout(() => controller.abort(), 300);
			const run = runHeyGenNode({
				credentials: credentials(),
				parameters: {
					resource: 'asset',
					operation: 'getAll',
					returnAll: true,
					options: { requestsAtOnce: 1 },
				},
				input: [{ json: {} }, { json: {} }, { json: {} }],
				continueOnFail,
				abortSignal: controller.signal,
			});
			await expect(run).rejects.toThrow(/^The execution was cancelled$/);
			expect(Date.now() - started).toBeLessThan(5000);
			expect(standIn.requestsTo(LIST)).toHaveLength(1);
		},
	);
});
