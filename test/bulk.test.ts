/**
 * Bulk jobs: many input items at once (Options → Requests at Once), with one adaptive limiter per
 * node run. Real HTTP against the stand-in, with latency, answers out of order, failures in the
 * middle, a cancellation, and an account limit the node is not told (429 above K in flight).
 */
import { createHash } from 'node:crypto';

import {
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { REQUESTS_AT_ONCE } from '../nodes/HeyGen/execution/run';
import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
const saved = { ...RETRY_POLICY };
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 300, folders: 2, seed: 31 });
	Object.assign(RETRY_POLICY, { baseDelayMs: 20 });
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, saved);
	await standIn.close();
});
beforeEach(() => {
	standIn.reset();
	standIn.reseed({ assets: 300, folders: 2, seed: 31 });
});

const idItems = (ids: string[]) => ids.map((id) => ({ json: { id } }));
const perItem = (operation: string, extra: INodeParameters = {}) => ({
	resource: 'asset',
	operation,
	assetId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
	...extra,
});

async function run(
	parameters: INodeParameters,
	input: INodeExecutionData[],
	extra: { continueOnFail?: boolean; abortSignal?: AbortSignal } = {},
) {
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters,
		input,
		nodeVersion: 2,
		...extra,
	});
	return output[0];
}

it('Get of many items runs them at once, up to Requests at Once, output and pairing in input order whatever order the answers come in', async () => {
	const ids = standIn.assets.slice(0, 60).map((asset) => asset.id);
	standIn.set({ latencyMs: 30 });
	// The first items answer last.
	for (const id of ids.slice(0, 5))
		standIn.addFault({ path: `/v3/assets/${id}`, kind: 'slow', delayMs: 300 });
	const items = await run(perItem('get', { options: { requestsAtOnce: 10 } }), idItems(ids));
	expect(items.map((item) => item.json.id)).toEqual(ids);
	expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_id, item) => ({ item })));
	expect(standIn.apiStats.maxInFlight).toBe(10);
});

it('Requests at Once 1 handles one item after the other, as before', async () => {
	const ids = standIn.assets.slice(0, 12).map((asset) => asset.id);
	standIn.set({ latencyMs: 10 });
	const items = await run(perItem('get', { options: { requestsAtOnce: 1 } }), idItems(ids));
	expect(items.map((item) => item.json.id)).toEqual(ids);
	expect(standIn.apiStats.maxInFlight).toBe(1);
});

it('On Error → Stop: a failure in the middle stops the other items at once and is reported by its item', async () => {
	const ids = standIn.assets.slice(0, 200).map((asset) => asset.id);
	ids[40] = 'missing000000000000000000000000';
	standIn.set({ latencyMs: 40 });
	const error = await run(perItem('delete'), idItems(ids)).then(
		() => undefined,
		(caught: unknown) => caught as NodeApiError,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error?.message).toBe('HeyGen has no asset with ID "missing000000000000000000000000"');
	expect(error?.context.itemIndex).toBe(40);
	await standIn.idle();
	// None started after the failure came back: the items up to it, and those in flight beside it
	// (REQUESTS_AT_ONCE.max at most), of 200.
	const deletes = standIn.requests.filter((request) => request.method === 'DELETE');
	expect(deletes.length).toBeLessThanOrEqual(40 + REQUESTS_AT_ONCE.max);
});

it('On Error → Stop: a request in flight for an item after the failure is aborted, not waited for', async () => {
	// n8n's authenticated request helper puts the run's cancel signal in place of a request's own:
	// without the node's way around that, the slow request would run its full 8 s.
	const [slow] = standIn.assets.slice(0, 1).map((asset) => asset.id);
	standIn.addFault({ path: `/v3/assets/${slow}`, kind: 'slow', delayMs: 8000 });
	standIn.addFault({
		path: '/v3/assets/missing000000000000000000000000',
		kind: 'slow',
		delayMs: 100,
	});
	const error = await run(perItem('get'), idItems(['missing000000000000000000000000', slow])).then(
		() => undefined,
		(caught: unknown) => caught as NodeApiError,
	);
	expect(error?.context.itemIndex).toBe(0);
	await standIn.idle();
	const [request] = standIn.requestsTo(`/v3/assets/${slow}`);
	// How long it was in flight (abortedAt and at count from the stand-in's start, not the request's).
	expect((request.abortedAt ?? Infinity) - request.at).toBeLessThan(2000);
}, 15_000);

it('On Error → Continue: a failed item in the middle is its error item in place, every other item is done', async () => {
	const ids = standIn.assets.slice(0, 50).map((asset) => asset.id);
	ids[25] = 'missing000000000000000000000000';
	standIn.set({ latencyMs: 20 });
	const items = await run(perItem('delete'), idItems(ids), { continueOnFail: true });
	expect(items.map((item) => item.json)).toEqual(
		ids.map((id, index) =>
			index === 25
				? { error: 'HeyGen has no asset with ID "missing000000000000000000000000"' }
				: { id, deleted: true },
		),
	);
	expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_id, item) => ({ item })));
	expect([...standIn.deleted].sort()).toEqual(ids.filter((_id, index) => index !== 25).sort());
});

it('a cancelled run stops every item promptly: "The execution was cancelled", nothing more asked', async () => {
	const ids = standIn.assets.slice(0, 200).map((asset) => asset.id);
	standIn.set({ latencyMs: 50 });
	const controller = new AbortController();
	let cancelledAt = 0;
	let started = 0;
	// Cancelled mid-way: once 30 deletes have been answered.
	standIn.afterRequest(() => {
		if (standIn.deleted.length === 30 && !controller.signal.aborted) {
			cancelledAt = standIn.now();
			started = Date.now();
			controller.abort();
		}
	});
	await expect(
		run(perItem('delete'), idItems(ids), { abortSignal: controller.signal }),
	).rejects.toThrow(/^The execution was cancelled$/);
	expect(Date.now() - started).toBeLessThan(1000);
	await standIn.idle();
	await new Promise((resolve) => setTimeout(resolve, 200));
	// What was on its way when the run was cancelled (at most one request per place) may still
	// arrive a moment later, and is dropped unanswered; nothing else is asked.
	const late = standIn.requests.filter((request) => request.at > cancelledAt);
	expect(late.length).toBeLessThanOrEqual(standIn.apiStats.maxInFlight);
	expect(late.every((request) => request.status === 0)).toBe(true);
	expect(standIn.requests.length).toBeLessThan(30 + 2 * REQUESTS_AT_ONCE.max);
});

it.each([
	['without Retry-After', undefined],
	['with Retry-After: 0', '0'],
])(
	'an account that allows fewer requests at once than the option (%s): every item done, no 429 error',
	async (_label, retryAfter) => {
		const ids = standIn.assets.slice(0, 120).map((asset) => asset.id);
		standIn.set({ latencyMs: 20, maxInFlight: 3, rateLimitRetryAfter: retryAfter });
		const items = await run(perItem('get', { options: { requestsAtOnce: 12 } }), idItems(ids));
		expect(items.map((item) => item.json.id)).toEqual(ids);
		expect(standIn.apiStats.rateLimited).toBeGreaterThan(0);
		expect(standIn.apiStats.maxInFlight).toBeLessThanOrEqual(3);
		// The limiter came down to the account's level: far fewer 429s than requests.
		expect(standIn.apiStats.rateLimited).toBeLessThan(ids.length / 2);
	},
);

it('a 429 slows every item of the run, not only the one that got it', async () => {
	const ids = standIn.assets.slice(0, 30).map((asset) => asset.id);
	standIn.set({ latencyMs: 20 });
	standIn.addFault({ path: `/v3/assets/${ids[12]}`, kind: 'status', status: 429, retryAfter: '1' });
	const items = await run(perItem('get', { options: { requestsAtOnce: 4 } }), idItems(ids));
	expect(items.map((item) => item.json.id)).toEqual(ids);
	const limited = standIn.requests.find((request) => request.status === 429);
	expect(limited).toBeDefined();
	const during = standIn.requests.filter(
		(request) => request.at > (limited?.at ?? 0) + 60 && request.at < (limited?.at ?? 0) + 900,
	);
	expect(during).toEqual([]);
	expect(standIn.apiStats.maxInFlight).toBe(4);
});

it('uploads under concurrency: each file exactly once, each answer its own', async () => {
	const files = Array.from({ length: 24 }, (_file, index) =>
		Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(2000 + index, index)]),
	);
	const input = files.map((bytes, index) => ({
		json: {},
		binary: {
			data: {
				data: bytes.toString('base64'),
				mimeType: 'image/png',
				fileName: `take-${index}.png`,
				fileSize: String(bytes.length),
			},
		},
	}));
	standIn.set({ latencyMs: 20 });
	const items = await run(
		{ resource: 'asset', operation: 'upload', options: { requestsAtOnce: 8 } },
		input,
	);
	const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
	expect(standIn.uploads.map((upload) => upload.sha256).sort()).toEqual(files.map(sha).sort());
	const assetIds = items.map((item) => item.json.id);
	expect(new Set(assetIds).size).toBe(24);
	const byAsset = Object.fromEntries(
		standIn.uploads.map((upload) => [upload.assetId, upload.sha256]),
	);
	expect(assetIds.map((id) => byAsset[String(id)])).toEqual(files.map(sha));
	expect(standIn.apiStats.maxInFlight).toBeGreaterThan(1);
});

it('Get Many with files per item: files of all items together stay within Requests at Once', async () => {
	standIn.set({ latencyMs: 30 });
	const items = await run(
		{
			resource: 'asset',
			operation: 'getAll',
			limit: 12,
			download: true,
			options: { requestsAtOnce: 4 },
		},
		[{ json: {} }, { json: {} }, { json: {} }, { json: {} }],
	);
	expect(items).toHaveLength(48);
	expect(standIn.fileStats.maxInFlight).toBeLessThanOrEqual(4);
	expect(standIn.fileStats.maxInFlight).toBeGreaterThan(1);
	// The four items listed at once: without one limiter, their files would multiply (4 × 4).
	expect(standIn.requestsTo('/v3/assets').length).toBe(4);
	expect(standIn.apiStats.maxInFlight).toBe(4);
	expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(
		[0, 1, 2, 3].flatMap((item) => Array(12).fill(item)),
	);
});

describe('failures and the limiter, item by item', () => {
	it('On Error → Stop with two failing items reports the first by input order, as one item after the other did (not whichever answered first)', async () => {
		const ids = standIn.assets.slice(0, 20).map((asset) => asset.id);
		ids[3] = 'missing000000000000000000000003';
		ids[7] = 'missing000000000000000000000007';
		standIn.set({ latencyMs: 20 });
		// Item 3's 404 comes back after item 7's.
		standIn.addFault({ path: `/v3/assets/${ids[3]}`, kind: 'slow', delayMs: 300 });
		const error = await run(
			perItem('get', { options: { requestsAtOnce: 10 } }),
			ids.map((id) => ({ json: { id } })),
		).then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('HeyGen has no asset with ID "missing000000000000000000000003"');
		expect(error?.context.itemIndex).toBe(3);
	});

	it.each([
		['={{ 1 / 0 }}', 'Infinity'],
		['={{ Number("ten") }}', 'NaN'],
	])(
		'Requests at Once %s is refused naming the value it had (%s), not "null"',
		async (value, shown) => {
			const error = await run(perItem('get', { options: { requestsAtOnce: value } }), [
				{ json: { id: standIn.assets[0].id } },
			]).then(
				() => undefined,
				(caught: unknown) => caught as NodeOperationError,
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error?.message).toContain('Requests at Once must be a whole number from 1 to 50');
			expect(error?.message).not.toMatch(/not null$/);
			expect(error?.message).toContain(shown);
			expect(standIn.requests).toHaveLength(0);
		},
	);

	it('one 429 on the listing (1 request in flight) does not pin the files that follow to one at a time: the limit grows back up to Requests at Once', async () => {
		standIn.set({ latencyMs: 15 });
		// One transient 429 (Retry-After: 0) on the first list page, the only request in flight.
		standIn.addFault({
			path: '/v3/assets',
			method: 'GET',
			kind: 'status',
			status: 429,
			retryAfter: '0',
		});
		const items = await run(
			{
				resource: 'asset',
				operation: 'getAll',
				limit: 200,
				download: true,
				options: { requestsAtOnce: 10 },
			},
			[{ json: {} }],
		);
		expect(items).toHaveLength(200);
		// Every asset with a URL came with its file (the others say download_skipped).
		const withFiles = items.filter((item) => item.binary?.data !== undefined);
		expect(withFiles.length).toBe(items.filter((item) => item.json.url).length);
		expect(withFiles.length).toBeGreaterThan(150);
		expect(standIn.requests.filter((request) => request.status === 429)).toHaveLength(1);
		// Halved to 5, then about one more per round of answers: back at 10 within ~40 of the 200 files.
		expect(standIn.fileStats.maxInFlight).toBe(10);
	});
});

describe("without Requests at Once: the limiter finds the account's pace", () => {
	const ids = () => standIn.assets.slice(0, 300).map((asset) => asset.id);

	it(`where nothing pushes back, it goes past ${REQUESTS_AT_ONCE.default} at once, and never past ${REQUESTS_AT_ONCE.max}`, async () => {
		standIn.set({ latencyMs: 30 });
		const items = await run(perItem('get'), idItems(ids()));
		expect(items).toHaveLength(300);
		expect(standIn.apiStats.maxInFlight).toBeGreaterThan(REQUESTS_AT_ONCE.default);
		expect(standIn.apiStats.maxInFlight).toBeLessThanOrEqual(REQUESTS_AT_ONCE.max);
	});

	it('an account limited to 8 at once: every item done, never more than 8 answered at once, a handful of 429s', async () => {
		standIn.set({ latencyMs: 30, maxInFlight: 8 });
		const items = await run(perItem('get'), idItems(ids()));
		expect(items.map((item) => item.json.id)).toEqual(ids());
		expect(standIn.apiStats.maxInFlight).toBe(8);
		expect(standIn.apiStats.rateLimited).toBeGreaterThan(0);
		expect(standIn.apiStats.rateLimited).toBeLessThan(30);
	});

	it('an account limited to 1 at once: every item done, one at a time', async () => {
		standIn.set({ latencyMs: 10, maxInFlight: 1 });
		const items = await run(perItem('get'), idItems(ids().slice(0, 40)));
		expect(items).toHaveLength(40);
		expect(standIn.apiStats.maxInFlight).toBe(1);
	});

	it('an account whose limit drops from 8 to 3 mid-job: every item done, the job going on at the lower level', async () => {
		standIn.set({ latencyMs: 30, maxInFlight: 8 });
		let changedAt = Infinity;
		standIn.afterRequest(() => {
			const answered = standIn.requests.filter((request) => request.status === 200).length;
			if (answered === 150 && changedAt === Infinity) {
				changedAt = standIn.now();
				standIn.set({ maxInFlight: 3 });
			}
		});
		const items = await run(perItem('get'), idItems(ids()));
		expect(items.map((item) => item.json.id)).toEqual(ids());
		const answeredLate = standIn.requests.filter(
			(request) => request.status === 200 && request.at > changedAt + 200,
		);
		expect(answeredLate.length).toBeGreaterThan(50);
		// The new level is found from the 429s, not paid for item by item.
		expect(standIn.apiStats.rateLimited).toBeLessThan(60);
	});

	it('a 429 with Retry-After: 1 on an account limited to 8 holds every request back, and no item fails', async () => {
		standIn.set({ latencyMs: 20, maxInFlight: 8, rateLimitRetryAfter: '1' });
		const items = await run(perItem('get'), idItems(ids().slice(0, 100)));
		expect(items).toHaveLength(100);
		const [first] = standIn.requests.filter((request) => request.status === 429);
		const during = standIn.requests.filter(
			(request) => request.at > first.at + 60 && request.at < first.at + 900,
		);
		expect(during).toEqual([]);
	});

	it('a burst of 60 429s without Retry-After on every request (a quota, not a level): no item fails', async () => {
		standIn.set({ latencyMs: 20 });
		standIn.addFault({ kind: 'status', status: 429, times: 60 });
		const items = await run(perItem('get'), idItems(ids().slice(0, 100)));
		expect(items.map((item) => item.json.id)).toEqual(ids().slice(0, 100));
		expect(standIn.requests.filter((request) => request.status === 429)).toHaveLength(60);
	});

	it('latency rising with load and no 429: the climb stops below the maximum', async () => {
		standIn.set({ latencyMs: 30, slowAbove: { above: 8, msEach: 15 } });
		const items = await run(perItem('get'), idItems(ids()));
		expect(items).toHaveLength(300);
		expect(standIn.apiStats.rateLimited).toBe(0);
		expect(standIn.apiStats.maxInFlight).toBeLessThan(REQUESTS_AT_ONCE.max);
	});
});

it("a user's Requests at Once is a bound: 10 set is never passed where nothing pushes back", async () => {
	const ids = standIn.assets.slice(0, 200).map((asset) => asset.id);
	standIn.set({ latencyMs: 20 });
	await run(perItem('get', { options: { requestsAtOnce: 10 } }), idItems(ids));
	expect(standIn.apiStats.maxInFlight).toBe(10);
});
