/**
 * The stand-in's video endpoints keep to HeyGen's published spec (api-notes, "Videos"): the list and
 * its opaque offset tokens, get, delete, statuses, presigned file URLs that expire and refuse the API
 * key, and renders that finish over time.
 */
import { seedAccount, startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
type Video = StandIn['videos'][number];
type Page = { data: Video[]; has_more: boolean; next_token: string | null };
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 5, folders: 3, videos: 130, seed: 7 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

async function call(
	method: string,
	url: string,
	headers: Record<string, string> = { 'x-api-key': standIn.apiKey },
) {
	const response = await fetch(url.startsWith('http') ? url : `${standIn.url}${url}`, {
		method,
		headers,
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	const text = bytes.toString('utf8');
	// The API answers JSON; the file host bytes, or XML errors as a storage host does.
	const json = response.headers.get('content-type') === 'application/json';
	return {
		status: response.status,
		headers: response.headers,
		bytes,
		text,
		body: json ? JSON.parse(text) : undefined,
	};
}
const get = (url: string, headers?: Record<string, string>) => call('GET', url, headers);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every page of a listing, and how many requests it took. */
async function listAll(query = 'limit=100') {
	const ids: string[] = [];
	let token: string | null = null;
	let requests = 0;
	do {
		const page: { body: Page } = await get(
			`/v3/videos?${query}${token ? `&token=${encodeURIComponent(token)}` : ''}`,
		);
		requests += 1;
		ids.push(...page.body.data.map((video) => video.id));
		token = page.body.next_token;
	} while (token);
	return { ids, requests };
}

describe('the seed', () => {
	it('is the same from the same seed, and videos leave the assets as they were', () => {
		expect(seedAccount({ seed: 9, videos: 30 })).toEqual(seedAccount({ seed: 9, videos: 30 }));
		expect(seedAccount({ seed: 9, assets: 30, videos: 40 }).assets).toEqual(
			seedAccount({ seed: 9, assets: 30 }).assets,
		);
		expect(seedAccount({ seed: 9 }).videos).toEqual([]);
	});

	it('is mostly completed, with failed, processing and pending renders, folders, translations, videos without captions', () => {
		const videos = standIn.videos;
		const count = (status: string) => videos.filter((video) => video.status === status).length;
		expect(videos).toHaveLength(130);
		expect(count('completed')).toBeGreaterThan(100);
		expect(count('failed')).toBeGreaterThan(0);
		expect(count('processing')).toBeGreaterThan(0);
		expect(count('pending')).toBeGreaterThan(0);
		const folderIds = standIn.folders.map((folder) => folder.id);
		expect(videos.filter((video) => video.folder_id !== null).length).toBeGreaterThan(20);
		expect(
			videos.every((video) => video.folder_id === null || folderIds.includes(video.folder_id)),
		).toBe(true);
		expect(videos.some((video) => 'output_language' in video)).toBe(true);
		expect(
			videos.some((video) => video.status === 'completed' && video.captioned_video_url === null),
		).toBe(true);
		const times = videos.map((video) => video.created_at);
		expect([...times].sort((a, b) => b - a)).toEqual(times);
	});

	it('a stand-in started without `videos` has none', async () => {
		const bare = await startStandIn({ assets: 1, folders: 0 });
		try {
			const { status, body } = await call('GET', `${bare.url}/v3/videos`, {
				'x-api-key': bare.apiKey,
			});
			expect([status, body]).toEqual([200, { data: [], has_more: false, next_token: null }]);
		} finally {
			await bare.close();
		}
	});
});

describe('GET /v3/videos', () => {
	it('answers 10 videos by default, newest first, in the shape of HeyGen spec', async () => {
		const { status, body } = await get('/v3/videos');
		expect(status).toBe(200);
		expect(Object.keys(body).sort()).toEqual(['data', 'has_more', 'next_token']);
		expect(body.data).toHaveLength(10);
		expect(body.has_more).toBe(true);
		expect(typeof body.next_token).toBe('string');
		expect(body.data.map((video: Video) => video.id)).toEqual(
			standIn.videos.slice(0, 10).map((video) => video.id),
		);
		const completed = standIn.videos.find(
			(video) => video.status === 'completed' && !('output_language' in video),
		);
		expect(Object.keys(completed ?? {})).toEqual([
			'id',
			'status',
			'title',
			'created_at',
			'completed_at',
			'duration',
			'video_url',
			'captioned_video_url',
			'subtitle_url',
			'thumbnail_url',
			'gif_url',
			'folder_id',
			'failure_code',
			'failure_message',
			'video_page_url',
		]);
	});

	it('gives file URLs, duration and completed_at only where HeyGen does', async () => {
		const urls = [
			'video_url',
			'captioned_video_url',
			'subtitle_url',
			'thumbnail_url',
			'gif_url',
		] as const;
		for (const video of standIn.videos) {
			expect(video.video_page_url).toBe(`https://app.heygen.com/videos/${video.id}`);
			if (video.status === 'completed') {
				expect(video.video_url).toMatch(
					/\/video-files\/[0-9a-f]{32}\/video\?expires=[\d.]+&signature=[0-9a-f]{64}$/,
				);
				expect(video.thumbnail_url).toEqual(expect.any(String));
				expect(video.gif_url).toEqual(expect.any(String));
				expect(video.subtitle_url === null).toBe(video.captioned_video_url === null);
				expect(video.duration).toBeGreaterThan(0);
				expect(video.completed_at).toBeGreaterThan(video.created_at);
				expect([video.failure_code, video.failure_message]).toEqual([null, null]);
			} else {
				expect(urls.map((field) => video[field])).toEqual([null, null, null, null, null]);
				expect(video.duration).toBeNull();
			}
			if (video.status === 'failed') {
				expect(video.failure_code).toEqual(expect.any(String));
				expect(video.failure_message).toEqual(expect.any(String));
				expect(video.completed_at).toBeGreaterThan(video.created_at);
			}
			if (video.status === 'pending' || video.status === 'processing')
				expect(video.completed_at).toBeNull();
		}
	});

	it('pages 130 videos in 2 requests of 100, each once, in HeyGen order; next_token null at the end', async () => {
		const first = await get('/v3/videos?limit=100');
		expect([first.body.data.length, first.body.has_more]).toEqual([100, true]);
		const second = await get(
			`/v3/videos?limit=100&token=${encodeURIComponent(first.body.next_token)}`,
		);
		expect(second.body).toMatchObject({ has_more: false, next_token: null });
		expect(second.body.data).toHaveLength(30);
		expect([...first.body.data, ...second.body.data].map((video: Video) => video.id)).toEqual(
			standIn.videos.map((video) => video.id),
		);
	});

	it.each(['0', '101', 'x', '-1'])(
		'refuses limit=%s with a 400 v3 invalid_parameter',
		async (limit) => {
			const { status, body } = await get(`/v3/videos?limit=${limit}`);
			expect(status).toBe(400);
			expect(body.error).toMatchObject({ code: 'invalid_parameter', param: 'limit' });
		},
	);

	it('refuses a token of another query, and one it did not issue', async () => {
		const { body } = await get('/v3/videos?limit=5');
		const other = await get(
			`/v3/videos?limit=5&title=demo&token=${encodeURIComponent(body.next_token)}`,
		);
		expect([other.status, other.body.error.code]).toEqual([400, 'invalid_parameter']);
		expect((await get('/v3/videos?token=bm9wZQ')).status).toBe(400);
		expect((await get('/v3/videos?token=not-a-token')).status).toBe(400);
	});

	it('filters by folder_id (empty: the root), and by title, a case-insensitive substring', async () => {
		const folder = standIn.folders[1].id;
		const inFolder = await listAll(`limit=7&folder_id=${folder}`);
		const expected = standIn.videos.filter((video) => video.folder_id === folder).map((v) => v.id);
		expect(expected.length).toBeGreaterThan(7);
		expect(inFolder.ids).toEqual(expected);
		expect((await listAll('limit=100&folder_id=')).ids).toEqual(
			standIn.videos.filter((video) => video.folder_id === null).map((v) => v.id),
		);
		const titled = await listAll('limit=100&title=PRODUCT%20demo');
		const demos = standIn.videos
			.filter((video) => (video.title ?? '').toLowerCase().includes('product demo'))
			.map((v) => v.id);
		expect(demos.length).toBeGreaterThan(0);
		expect(titled.ids).toEqual(demos);
	});

	it('its token is an offset: a render landing at the front between two pages shifts the next page', async () => {
		const first = await get('/v3/videos?limit=50');
		standIn.addVideo();
		const second = await get(
			`/v3/videos?limit=50&token=${encodeURIComponent(first.body.next_token)}`,
		);
		expect(second.body.data[0].id).toBe(first.body.data[49].id);
	});

	it('busyVideos: a render lands after every addEvery-th page, and the next page repeats a video', async () => {
		standIn.set({ busyVideos: { addEvery: 1 } });
		const { ids, requests } = await listAll();
		expect(requests).toBe(2);
		expect(standIn.videoChanges.added).toHaveLength(2);
		expect(new Set(ids).size).toBe(ids.length - 1);
		expect(standIn.videos[0].id).toBe(standIn.videoChanges.added[1]);
		expect(standIn.videos[0].status).toBe('pending');
	});

	it('needs the API key', async () => {
		const { status, body } = await get('/v3/videos', {});
		expect([status, body.error.code]).toEqual([401, 'unauthorized']);
	});
});

describe('GET /v3/videos/{id}', () => {
	it('answers the video with fresh file URLs', async () => {
		const listed: Video = (await get('/v3/videos?limit=20')).body.data.find(
			(video: Video) => video.status === 'completed',
		);
		await sleep(20);
		const { status, body } = await get(`/v3/videos/${listed.id}`);
		expect(status).toBe(200);
		expect(body.data.video_url).not.toBe(listed.video_url);
		const withoutUrls = (video: Video) =>
			Object.fromEntries(
				Object.entries(video).filter(([key]) => !key.endsWith('_url') || key === 'video_page_url'),
			);
		expect(withoutUrls(body.data)).toEqual(withoutUrls(listed));
	});

	it('answers 404 not_found for an unknown id', async () => {
		const { status, body } = await get('/v3/videos/00000000000000000000000000000000');
		expect(status).toBe(404);
		expect(body.error).toMatchObject({ code: 'not_found', param: 'video_id' });
	});
});

describe('the file host', () => {
	const completed = () =>
		standIn.videos.find(
			(video) => video.status === 'completed' && video.captioned_video_url !== null,
		) as Video;

	it('serves each file of a finished video on another host, whole, with its type', async () => {
		const video = completed();
		expect(new URL(video.video_url as string).host).not.toBe(new URL(standIn.url).host);
		const kinds = [
			['video_url', 'video', 'video/mp4'],
			['captioned_video_url', 'captioned', 'video/mp4'],
			['thumbnail_url', 'thumbnail', 'image/jpeg'],
			['gif_url', 'gif', 'image/gif'],
			['subtitle_url', 'subtitles', 'application/x-subrip'],
		] as const;
		for (const [field, kind, type] of kinds) {
			const file = await get(video[field] as string, {});
			expect([file.status, file.headers.get('content-type')]).toEqual([200, type]);
			expect(file.bytes.equals(standIn.videoFileContent(video.id, kind) as Buffer)).toBe(true);
		}
		expect((await get(video.video_url as string, {})).bytes.length).toBe(150_000);
		expect((await get(video.subtitle_url as string, {})).text).toMatch(
			/^1\n00:00:00,000 --> 00:00:05,000\n.+\n/,
		);
	});

	it('refuses the API key with 403 and records it; the key is never needed', async () => {
		const video = completed();
		const refused = await get(video.video_url as string, { 'x-api-key': standIn.apiKey });
		expect(refused.status).toBe(403);
		expect(refused.body).toBeUndefined();
		expect(refused.text).toContain('<Code>AccessDenied</Code>');
		expect(standIn.videoFileRefusals).toEqual([
			{ path: `/video-files/${video.id}/video`, reason: 'apiKey' },
		]);
	});

	it('refuses a URL whose signature it did not make', async () => {
		const video = completed();
		const forged = (video.video_url as string).replace(/signature=[0-9a-f]{4}/, 'signature=0000');
		expect((await get(forged, {})).status).toBe(403);
		const otherKind = (video.video_url as string).replace('/video?', '/gif?');
		expect((await get(otherKind, {})).status).toBe(403);
		expect(standIn.videoFileRefusals.map((refusal) => refusal.reason)).toEqual([
			'signature',
			'signature',
		]);
	});

	it('a URL expires after videoUrlTtlMs (403, not JSON); a get issues a fresh one', async () => {
		standIn.set({ videoUrlTtlMs: 500 });
		const video = completed();
		expect((await get(video.video_url as string, {})).status).toBe(200);
		await sleep(600);
		const expired = await get(video.video_url as string, {});
		expect([expired.status, expired.headers.get('content-type')]).toEqual([403, 'application/xml']);
		expect(expired.text).toContain('Request has expired');
		const fresh = await get(`/v3/videos/${video.id}`);
		expect((await get(fresh.body.data.video_url, {})).status).toBe(200);
		expect(standIn.videoFileRefusals).toEqual([
			{ path: `/video-files/${video.id}/video`, reason: 'expired' },
		]);
	});

	it('counts video downloads in fileStats', async () => {
		const [a, b] = standIn.videos.filter((video) => video.status === 'completed');
		await Promise.all([get(a.video_url as string, {}), get(b.video_url as string, {})]);
		expect(standIn.fileStats.maxInFlight).toBeGreaterThanOrEqual(1);
		expect(
			standIn.requests
				.filter((r) => r.path.startsWith('/video-files/'))
				.every((r) => r.apiKey === undefined),
		).toBe(true);
	});
});

describe('DELETE /v3/videos/{id}', () => {
	it('deletes for good: { id, deleted: true }, then 404 on get, on a second delete and on its files', async () => {
		const video = standIn.videos.find((candidate) => candidate.status === 'completed') as Video;
		const { status, body } = await call('DELETE', `/v3/videos/${video.id}`);
		expect([status, body]).toEqual([200, { data: { id: video.id, deleted: true } }]);
		expect(standIn.videos.map((candidate) => candidate.id)).not.toContain(video.id);
		expect((await get(`/v3/videos/${video.id}`)).status).toBe(404);
		const again = await call('DELETE', `/v3/videos/${video.id}`);
		expect([again.status, again.body.error.code]).toEqual([404, 'not_found']);
		expect((await get(video.video_url as string, {})).status).toBe(404);
		expect(standIn.deletedVideos).toEqual([video.id]);
	});

	it('dropAnswer: the video is deleted and the answer lost; the retry gets 404', async () => {
		const video = standIn.videos[5];
		const path = `/v3/videos/${video.id}`;
		standIn.addFault({ path, method: 'DELETE', kind: 'dropAnswer' });
		await expect(call('DELETE', path)).rejects.toThrow();
		expect(standIn.deletedVideos).toEqual([video.id]);
		expect((await call('DELETE', path)).status).toBe(404);
		expect(standIn.requestsTo(path).map((r) => [r.status, r.dropped])).toEqual([
			[200, true],
			[404, undefined],
		]);
	});

	it('reset() brings the seeded library back', async () => {
		const before = standIn.videos.map((video) => video.id);
		await call('DELETE', `/v3/videos/${before[3]}`);
		standIn.addVideo();
		standIn.removeVideo(before[9]);
		standIn.reset();
		expect(standIn.videos.map((video) => video.id)).toEqual(before);
		expect(standIn.deletedVideos).toEqual([]);
	});
});

describe('GET /v3/videos/statuses', () => {
	it('answers each id: pending as queued, processing, completed, failed with its error, not_found', async () => {
		const pick = (status: string) =>
			standIn.videos.find((video) => video.status === status) as Video;
		const ids = [pick('pending'), pick('processing'), pick('completed'), pick('failed')].map(
			(v) => v.id,
		);
		const failed = pick('failed');
		const { status, body } = await get(
			`/v3/videos/statuses?video_ids=${[...ids, 'unknown-id'].join(',')}`,
		);
		expect(status).toBe(200);
		expect(body).toEqual({
			data: [
				{ video_id: ids[0], status: 'queued' },
				{ video_id: ids[1], status: 'processing' },
				{ video_id: ids[2], status: 'completed' },
				{
					video_id: ids[3],
					status: 'failed',
					error: { code: failed.failure_code, message: failed.failure_message },
				},
				{ video_id: 'unknown-id', status: 'not_found' },
			],
			has_more: false,
			next_token: null,
		});
	});

	it('takes 100 ids, refuses 101 or none with 400, and accepts batch_ids (of which it has none)', async () => {
		const hundred = standIn.videos.slice(0, 100).map((video) => video.id);
		expect(
			(await get(`/v3/videos/statuses?video_ids=${hundred.join(',')}`)).body.data,
		).toHaveLength(100);
		const tooMany = await get(`/v3/videos/statuses?video_ids=${[...hundred, 'x'].join(',')}`);
		expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'invalid_parameter']);
		expect((await get('/v3/videos/statuses')).status).toBe(400);
		expect((await get('/v3/videos/statuses?batch_ids=b1')).body).toEqual({
			data: [],
			has_more: false,
			next_token: null,
		});
	});
});

describe('renders that finish', () => {
	it('renderAfterMs: pending, then processing half-way, then completed at that moment with its files', async () => {
		standIn.set({ renderAfterMs: 1000 });
		const added = standIn.addVideo({ title: 'Launch' });
		expect(added).toMatchObject({ status: 'pending', completed_at: null, video_url: null });
		const status = async () =>
			(await get(`/v3/videos/statuses?video_ids=${added.id}`)).body.data[0].status;
		expect(await status()).toBe('queued');
		await sleep(550);
		expect(await status()).toBe('processing');
		await sleep(550);
		expect(await status()).toBe('completed');
		const { body } = await get(`/v3/videos/${added.id}`);
		expect(body.data.completed_at).toBeGreaterThanOrEqual(added.created_at);
		expect((await get(body.data.video_url, {})).status).toBe(200);
		expect((await get('/v3/videos?limit=1')).body.data[0].id).toBe(added.id);
	});

	it('renderAfterReads: that many reads see it in progress, the next one failed when its outcome is', async () => {
		standIn.set({ renderAfterReads: 2 });
		const added = standIn.addVideo({ outcome: 'failed' });
		const seen = [];
		for (let i = 0; i < 3; i++) seen.push((await get(`/v3/videos/${added.id}`)).body.data.status);
		expect(seen).toEqual(['pending', 'processing', 'failed']);
		const video = standIn.videos.find((candidate) => candidate.id === added.id) as Video;
		expect(video).toMatchObject({
			failure_code: expect.any(String),
			video_url: null,
			duration: null,
		});
	});

	it('the seeded renders in progress finish too, and finishVideo ends one at once', async () => {
		const rendering = standIn.videos.filter(
			(video) => video.status === 'pending' || video.status === 'processing',
		);
		expect(rendering.length).toBeGreaterThan(1);
		const finished = standIn.finishVideo(rendering[0].id, 'completed');
		expect(finished).toMatchObject({ status: 'completed', video_url: expect.any(String) });
		standIn.set({ renderAfterMs: 0 });
		expect(
			standIn.videos.filter((video) => video.status === 'pending' || video.status === 'processing'),
		).toEqual([]);
	});

	it('without a render behaviour, a render stays in progress', async () => {
		const added = standIn.addVideo({ status: 'processing' });
		await sleep(50);
		expect((await get(`/v3/videos/${added.id}`)).body.data.status).toBe('processing');
	});
});
