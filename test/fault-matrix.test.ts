/**
 * The fault matrix: Return All over three pages, each fault at the first, the middle and the last
 * page. Either the output is exactly the right assets (none lost, none twice, no page fetched
 * twice), or the item fails with a clear NodeApiError and no partial list.
 * Backoff and the request timeout are shortened here (RETRY_POLICY); Retry-After is honoured as sent.
 */
import { NodeApiError } from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
type Fault = Parameters<StandIn['addFault']>[0];

const LIST = '/v1/asset/list';
const saved = { ...RETRY_POLICY };
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 250, folders: 2, seed: 8 });
	Object.assign(RETRY_POLICY, { baseDelayMs: 20, timeoutMs: 400 });
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, saved);
	await standIn.close();
});
beforeEach(() => standIn.reset());

type Outcome = { recovered: true } | { error: RegExp; httpCode?: string };
const recovered: Outcome = { recovered: true };

const MATRIX: Array<[string, () => Omit<Fault, 'path' | 'at'>, Outcome]> = [
	[
		'429 with Retry-After in seconds',
		() => ({ kind: 'status', status: 429, retryAfter: '1' }),
		recovered,
	],
	[
		'429 with Retry-After as an HTTP date',
		() => ({ kind: 'status', status: 429, retryAfter: new Date(Date.now() + 1000).toUTCString() }),
		recovered,
	],
	[
		'500 burst within the retry budget (3)',
		() => ({ kind: 'status', status: 500, times: 3 }),
		recovered,
	],
	[
		'502 burst within the retry budget (2)',
		() => ({ kind: 'status', status: 502, times: 2 }),
		recovered,
	],
	[
		'503 burst within the retry budget (1)',
		() => ({ kind: 'status', status: 503, times: 1 }),
		recovered,
	],
	[
		'500 burst beyond the retry budget (4)',
		() => ({ kind: 'status', status: 500, times: 4 }),
		{ error: /^HeyGen server error \(500\), retries used up$/, httpCode: '500' },
	],
	[
		'502 burst beyond the retry budget (6)',
		() => ({ kind: 'status', status: 502, times: 6 }),
		{ error: /^HeyGen server error \(502\), retries used up$/, httpCode: '502' },
	],
	[
		'503 burst beyond the retry budget (4)',
		() => ({ kind: 'status', status: 503, times: 4 }),
		{ error: /^HeyGen server error \(503\), retries used up$/, httpCode: '503' },
	],
	['connection reset', () => ({ kind: 'reset' }), recovered],
	['an answer slower than the request timeout', () => ({ kind: 'slow', delayMs: 1500 }), recovered],
	['an HTML error page (502)', () => ({ kind: 'html', status: 502 }), recovered],
	[
		'truncated JSON',
		() => ({ kind: 'truncated' }),
		{ error: /^HeyGen returned a response that is not JSON$/ },
	],
	[
		'a 200 with a non-null error',
		() => ({ kind: 'errorBody', message: 'temporary failure' }),
		{ error: /^HeyGen error: temporary failure$/ },
	],
	[
		'a 200 without data',
		() => ({ kind: 'noData' }),
		{ error: /^HeyGen returned an unexpected response$/ },
	],
	[
		'a token that never changes',
		() => ({ kind: 'repeatToken', times: 99 }),
		{ error: /^HeyGen returned the same page token again$/ },
	],
	[
		'401: the key is revoked',
		() => ({ kind: 'status', status: 401, times: 99 }),
		{ error: /^The HeyGen API key was rejected$/, httpCode: '401' },
	],
];
const PAGES: Array<[string, number]> = [
	['first page', 1],
	['middle page', 2],
	['last page', 3],
];

const run = (continueOnFail = false) =>
	runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'getAll', returnAll: true },
		continueOnFail,
	});

describe.each(MATRIX)('%s', (_name, fault, outcome) => {
	it.each(PAGES)('at the %s', async (_page, at) => {
		standIn.addFault({ path: LIST, at, ...fault() });
		if ('recovered' in outcome) {
			const { output } = await run();
			expect(output[0].map((item) => item.json.id)).toEqual(
				standIn.assets.map((asset) => asset.id),
			);
			// Every page answered once with 200: nothing fetched twice.
			const ok = standIn.requestsTo(LIST).filter((request) => request.status === 200);
			expect(ok.map((request) => request.query.token ?? '')).toHaveLength(3);
			expect(new Set(ok.map((request) => request.query.token ?? '')).size).toBe(3);
			return;
		}
		const error = await run().then(
			() => undefined,
			(e: unknown) => e as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toMatch(outcome.error);
		if (outcome.httpCode) expect(error?.httpCode).toBe(outcome.httpCode);
		expect(JSON.stringify({ m: error?.message, d: error?.description })).not.toContain(
			standIn.apiKey,
		);
		// With continueOnFail: one error item for the input item, no partial list.
		standIn.reset();
		standIn.addFault({ path: LIST, at, ...fault() });
		const { output } = await run(true);
		expect(output[0]).toHaveLength(1);
		expect(String(output[0][0].json.error)).toMatch(outcome.error);
	});
});

describe('Delete whose answer was lost after HeyGen deleted the asset', () => {
	const del = (assetId: string, continueOnFail = false) =>
		runHeyGenNode({
			credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
			parameters: {
				resource: 'asset',
				operation: 'delete',
				assetId: { __rl: true, mode: 'id', value: assetId },
			},
			nodeVersion: 2,
			continueOnFail,
		});

	it('the retry that gets 404 reports the asset deleted: { id, deleted: true }', async () => {
		const victim = standIn.assets[7];
		standIn.addFault({ path: `/v3/assets/${victim.id}`, method: 'DELETE', kind: 'dropAnswer' });
		const { output } = await del(victim.id);
		expect(output[0].map((item) => item.json)).toEqual([{ id: victim.id, deleted: true }]);
		const attempts = standIn.requestsTo(`/v3/assets/${victim.id}`);
		expect(attempts.map((request) => request.status)).toEqual([200, 404]);
		expect(standIn.deleted).toEqual([victim.id]);
	});

	it('a 404 on the first attempt stays a clear error', async () => {
		const error = await del('gone0000000000000000000000000000').then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('HeyGen has no asset with ID "gone0000000000000000000000000000"');
	});

	it('a 404 after a 429 (HeyGen refused, did not act) stays a clear error', async () => {
		const id = 'gone0000000000000000000000000001';
		standIn.addFault({ path: `/v3/assets/${id}`, kind: 'status', status: 429 });
		const { output } = await del(id, true);
		expect(output[0].map((item) => item.json)).toEqual([
			{ error: `HeyGen has no asset with ID "${id}"` },
		]);
	});
});
