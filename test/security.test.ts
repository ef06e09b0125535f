/** Where the API key may go (only the credential's base URL) and where it must never show. */
import { NodeApiError } from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;
const KEY = 'sec-test-key-7f3a9c1e5b';

const { baseDelayMs } = RETRY_POLICY;
beforeAll(async () => {
	RETRY_POLICY.baseDelayMs = 20;
	standIn = await startStandIn({ apiKey: KEY, assets: 30, folders: 2, seed: 4 });
});
afterAll(async () => {
	RETRY_POLICY.baseDelayMs = baseDelayMs;
	await standIn.close();
});
beforeEach(() => standIn.reset());

const run = (parameters: Record<string, unknown>, continueOnFail = false) =>
	runHeyGenNode({
		credentials: { apiKey: KEY, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'getAll', ...parameters },
		continueOnFail,
	});

it('a redirect to another host is not followed, so the key does not go along', async () => {
	standIn.addFault({ path: '/v1/asset/list', kind: 'redirect' });
	const error = await run({ limit: 5 }).then(
		() => undefined,
		(e: unknown) => e as NodeApiError,
	);
	expect(standIn.requests).toHaveLength(1);
	expect(standIn.requests[0].host).toMatch(/^127\.0\.0\.1:/);
	expect(standIn.requests.filter((request) => request.host?.startsWith('localhost:'))).toEqual([]);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error?.httpCode).toBe('302');
	expect(error?.message).toBe('HeyGen redirected the request (302)');
	expect(error?.description).toContain(`redirected to http://localhost:${standIn.port}`);
});

it("the key goes only to the credential's base URL, also with downloads", async () => {
	await run({ returnAll: true, download: true }, true);
	const withKey = standIn.requests.filter((request) => request.apiKey !== undefined);
	expect(withKey.length).toBeGreaterThan(0);
	expect(
		withKey.every(
			(request) => request.host?.startsWith('127.0.0.1:') && !request.path.startsWith('/files/'),
		),
	).toBe(true);
	const files = standIn.requests.filter((request) => request.path.startsWith('/files/'));
	expect(files.length).toBeGreaterThan(0);
	expect(
		files.every(
			(request) => request.host?.startsWith('localhost:') && request.apiKey === undefined,
		),
	).toBe(true);
});

it('the key is in no output item, error message or description', async () => {
	const ok = await run({ returnAll: true });
	expect(JSON.stringify(ok.output)).not.toContain(KEY);
	for (const fault of [
		{ kind: 'status' as const, status: 400 },
		{ kind: 'notJson' as const },
		{ kind: 'errorBody' as const },
	]) {
		standIn.reset();
		standIn.addFault({ path: '/v1/asset/list', ...fault });
		const error = await run({ limit: 5 }).then(
			() => undefined,
			(e: unknown) => e as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(
			JSON.stringify({
				message: error?.message,
				description: error?.description,
				context: error?.context,
				cause: String(error?.cause),
			}),
		).not.toContain(KEY);
		standIn.reset();
		standIn.addFault({ path: '/v1/asset/list', ...fault });
		const continued = await run({ limit: 5 }, true);
		expect(JSON.stringify(continued.output)).not.toContain(KEY);
	}
});

it.each([
	['v1, a 400', '/v1/asset/list', 400, 1],
	['v3, a 401', '/v3/assets', 401, 1],
	['v3, a 5xx until the retries are used up', '/v3/assets', 503, RETRY_POLICY.retries + 1],
])(
	'HeyGen quoting the key in its error (%s): the message and description say [redacted] instead',
	async (_case, path, status, times) => {
		// Twice: once for a run with On Error → Continue, once for one that stops.
		const message = `Invalid API key ${KEY}`;
		standIn.addFault({ path, kind: 'status', status, times: 2 * times, message });
		const apiVersion = path.startsWith('/v3/') ? 'v3' : 'v1';
		const [[item]] = (await run({ limit: 5, apiVersion }, true)).output;
		const error = await run({ limit: 5, apiVersion }).then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		const shown = `${error?.message}\n${error?.description}\n${JSON.stringify(item.json)}`;
		expect(shown).not.toContain(KEY);
		expect(shown).toContain('[redacted]');
	},
);

it('a folder ID is always sent URL-encoded', async () => {
	const odd = 'a+b&c=d%e';
	await run({ limit: 5, filters: { folderId: { __rl: true, mode: 'id', value: odd } } });
	const [request] = standIn.requestsTo('/v1/asset/list');
	expect(request.query.folder_id).toBe(odd);
	expect(request.query.limit).toBe('5');
	expect(Object.keys(request.query).sort()).toEqual(['folder_id', 'limit']);
});
