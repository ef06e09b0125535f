/** The stand-in must keep to HeyGen's documented contract, or the other tests prove nothing. */
import { seedAccount, startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 45, folders: 3 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

async function get(path: string, key: string | null = standIn.apiKey) {
	const response = await fetch(`${standIn.url}${path}`, {
		headers: key === null ? {} : { 'x-api-key': key },
	});
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		text,
		body: (() => {
			try {
				return JSON.parse(text);
			} catch {
				return undefined;
			}
		})(),
	};
}

it('listens on 127.0.0.1 only', () => {
	expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

it('seeds the same account from the same seed', () => {
	expect(seedAccount({ seed: 9, assets: 30 })).toEqual(seedAccount({ seed: 9, assets: 30 }));
	expect(seedAccount({ seed: 9, assets: 30 }).assets[0].id).not.toBe(
		seedAccount({ seed: 10, assets: 30 }).assets[0].id,
	);
});

it('answers List Assets in the documented shape, newest first', async () => {
	const { status, body } = await get('/v1/asset/list?limit=10');
	expect(status).toBe(200);
	expect(body.error).toBeNull();
	expect(body.data.assets).toHaveLength(10);
	expect(body.data.total).toBe(45);
	expect(typeof body.data.token).toBe('string');
	expect(Object.keys(body.data.assets[0]).sort()).toEqual([
		'created_ts',
		'file_type',
		'folder_id',
		'id',
		'name',
		'url',
	]);
	const times = body.data.assets.map((asset: { created_ts: number }) => asset.created_ts);
	expect([...times].sort((a, b) => b - a)).toEqual(times);
});

it('ends with token null by default, and pages cover everything once', async () => {
	const seen: string[] = [];
	let token: string | null = null;
	do {
		const { body }: { body: { data: { assets: Array<{ id: string }>; token: string | null } } } =
			await get(`/v1/asset/list?limit=20${token ? `&token=${encodeURIComponent(token)}` : ''}`);
		seen.push(...body.data.assets.map((asset) => asset.id));
		token = body.data.token;
	} while (token);
	expect(seen).toEqual(standIn.assets.map((asset) => asset.id));
});

it.each(['101', '-1', 'x', '1.5'])(
	'rejects limit=%s with 400 and a v1 error body',
	async (limit) => {
		const { status, body } = await get(`/v1/asset/list?limit=${limit}`);
		expect(status).toBe(400);
		expect(body).toEqual({ error: expect.stringMatching(/limit/), data: null });
	},
);

it('rejects an unknown file_type and a token it did not issue', async () => {
	expect((await get('/v1/asset/list?file_type=gif')).status).toBe(400);
	expect((await get('/v1/asset/list?token=bm9wZQ')).status).toBe(400);
});

it('answers 401 in the v1 shape and in the v3 shape', async () => {
	expect(await get('/v1/asset/list', 'wrong').then((r) => [r.status, r.body])).toEqual([
		401,
		{ code: 400112, message: 'Unauthorized' },
	]);
	const v3 = await get('/v3/users/me', null);
	expect(v3.status).toBe(401);
	expect(v3.body.error.code).toBe('unauthorized');
});

it('serves users/me and folders', async () => {
	expect((await get('/v3/users/me')).body.data.username).toBe(standIn.username);
	expect(['wallet', 'subscription', 'usage_based']).toContain(
		(await get('/v3/users/me')).body.data.billing_type,
	);
	const folders = await get('/v1/folders');
	expect(folders.body.data.folders.map((folder: { id: string }) => folder.id)).toEqual(
		standIn.folders.map((folder) => folder.id),
	);
});

it('applies a fault at the request asked for, the given number of times, then recovers', async () => {
	standIn.addFault({
		path: '/v1/asset/list',
		kind: 'status',
		status: 429,
		retryAfter: '2',
		at: 2,
		times: 2,
	});
	const statuses = [];
	for (let i = 0; i < 4; i++) statuses.push((await get('/v1/asset/list?limit=1')).status);
	expect(statuses).toEqual([200, 429, 429, 200]);
	expect(standIn.requestsTo('/v1/asset/list').map((request) => request.status)).toEqual([
		200, 429, 429, 200,
	]);
});

it('adds the configured latency', async () => {
	standIn.set({ latencyMs: 150 });
	const started = Date.now();
	await get('/v1/asset/list?limit=1');
	expect(Date.now() - started).toBeGreaterThanOrEqual(140);
});

it("spreads each answer's latency within the jitter asked for, around the latency (answers do not keep step)", async () => {
	standIn.set({ latencyMs: 60, latencyJitterMs: 40 });
	const before = standIn.requests.length;
	await Promise.all(Array.from({ length: 24 }, async () => await get('/v1/asset/list?limit=1')));
	const times = standIn.requests
		.slice(before)
		.map((request) => (request.answeredAt ?? NaN) - request.at);
	// 20 to 100 ms, with a few ms for answering; far from all alike.
	expect(Math.min(...times)).toBeGreaterThanOrEqual(19);
	expect(Math.max(...times)).toBeLessThan(130);
	expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(30);
});
