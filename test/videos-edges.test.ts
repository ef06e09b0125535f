/**
 * Edges of the Video resource and the video trigger events, against the stand-in over real HTTP in
 * n8n-core's contexts. The first describe holds behaviour the issue and docs/videos.md promise; the
 * second, edges that hold (probes).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { MAX_FRONT } from '../nodes/HeyGen/trigger/videoCursor';
import { heyGenTrigger, runHeyGenNode, searchVideos } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeEach(async () => {
	// An account in use: its newest render started minutes ago.
	const newestTs = Math.floor(Date.now() / 1000) - 600;
	standIn = await startStandIn({ assets: 3, folders: 2, videos: 130, seed: 22, newestTs });
});
afterEach(async () => {
	await standIn.close();
});

const LIST = '/v3/videos';
const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
const byUrl = (url: string) => ({ __rl: true, mode: 'url', value: url });
const ids = (items: INodeExecutionData[]) => items.map((item) => String(item.json.id));
const emitted = (result: INodeExecutionData[][] | null) => (result ? ids(result[0]) : []);
const running = () =>
	standIn.videos.filter((video) => video.status === 'pending' || video.status === 'processing');
const completed = () => standIn.videos.filter((video) => video.status === 'completed');

async function run(
	parameters: INodeParameters,
	extra: { continueOnFail?: boolean; input?: INodeExecutionData[] } = {},
) {
	const { output } = await runHeyGenNode({
		credentials: credentials(),
		parameters: { resource: 'video', ...parameters },
		nodeVersion: 2,
		...extra,
	});
	return output[0];
}

async function failure(parameters: INodeParameters) {
	try {
		await run(parameters);
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('the node succeeded but an error was expected');
}

/** What n8n 2.x with durable poll cursors keeps of an activation-time poll: nothing. */
function forgetActivation(trigger: ReturnType<typeof heyGenTrigger>) {
	const staticData = trigger.staticData();
	for (const key of Object.keys(staticData)) delete staticData[key];
}

describe('what the issue and docs/videos.md promise', () => {
	it('Get Many with Download: a video deleted after it was listed comes out without its file and says why; the others keep theirs', async () => {
		const [first, second, third] = completed();
		// Deleted in HeyGen right after the listing answered (another workflow, a user in the app).
		standIn.afterRequest((record) => {
			if (record.path === LIST && record.method === 'GET') standIn.removeVideo(second.id);
		});
		const items = await run({
			operation: 'getAll',
			limit: 3,
			filters: { status: 'completed' },
			download: true,
			options: { requestsAtOnce: 1 },
		});
		expect(ids(items)).toEqual([first.id, second.id, third.id]);
		const gone = items[1];
		expect(gone.binary).toBeUndefined();
		expect(String(gone.json.download_skipped ?? '')).not.toBe('');
		expect(items[0].binary?.data).toBeDefined();
		expect(items[2].binary?.data).toBeDefined();
	});

	it('Video Completed under durable poll cursors: a failed first scheduled poll does not lose the renders that finished since activation', async () => {
		const [render] = running();
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		expect(await trigger.poll()).toBeNull();
		// n8n 2.41 with durable poll cursors commits nothing of the activation-time poll.
		forgetActivation(trigger);
		standIn.finishVideo(render.id, 'completed');
		// The first scheduled poll meets a HeyGen outage (every retry answered 500): n8n commits nothing.
		standIn.addFault({ path: LIST, kind: 'status', status: 500, retryAfter: '0', times: 4 });
		await expect(trigger.poll()).rejects.toThrow();
		// HeyGen is back: the render that completed after activation comes out, once.
		expect(emitted(await trigger.poll())).toEqual([render.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it('Video Completed re-activated after a spell as New Asset emits nothing that finished before this activation', async () => {
		const [render] = running();
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		expect(await trigger.poll()).toBeNull();
		// The user switches the trigger to New Asset (before a scheduled video poll), and it runs so.
		trigger.setParameters({ event: 'newAsset' });
		await trigger.poll();
		await trigger.poll();
		// Meanwhile a render finishes: before the trigger watches videos again.
		standIn.finishVideo(render.id, 'completed');
		// Back to Video Completed: a new activation, whose renders finished before it never come out.
		trigger.setParameters({ event: 'videoCompleted' });
		expect(await trigger.poll()).toBeNull();
	});

	it('a quiet poll costs one request on an account where more than 100 renders started within ten minutes (docs/videos.md)', async () => {
		// A batch of 150 personalised renders started a minute apart at most: all finished.
		for (const video of running()) standIn.finishVideo(String(video.id), 'completed');
		for (let i = 0; i < 150; i++) standIn.addVideo({ status: 'completed' });
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		expect(await trigger.poll()).toBeNull();
		const before = standIn.requests.length;
		// Nothing happened since: "one request when nothing happened (the front page)".
		expect(await trigger.poll()).toBeNull();
		expect(standIn.requests.slice(before).map((request) => request.path)).toEqual([LIST]);
	});

	it('Get with Download of the subtitles of a video with a long title: the file name keeps its .srt extension', async () => {
		const video = standIn.addVideo({ status: 'completed', title: `Onboarding ${'x'.repeat(240)}` });
		const [item] = await run({
			operation: 'get',
			videoId: byId(String(video.id)),
			download: true,
			file: 'subtitles',
		});
		expect(item.binary?.data?.fileName).toMatch(/\.srt$/);
	});

	it('the video picker lists each video once across its pages while renders land', async () => {
		standIn.set({ busyVideos: { addEvery: 1 } });
		const first = await searchVideos(credentials());
		const second = await searchVideos(credentials(), undefined, first.paginationToken);
		const values = [...first.results, ...second.results].map((result) => result.value);
		expect(new Set(values).size).toBe(values.length);
	});

	it('Video Completed stays within n8n’s time for a poll when many watched renders finish at once; the rest come on later polls, each once', async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		await trigger.poll();
		const renders = Array.from({ length: 300 }, () => String(standIn.addVideo().id));
		await trigger.poll();
		// An hour later on HeyGen's clock a newer render pushes the batch below the front.
		standIn.set({ clockOffsetSeconds: 3600 });
		standIn.addVideo({ status: 'completed' });
		await trigger.poll();
		// The whole batch finishes at once; HeyGen answers in 100 ms.
		for (const id of renders) standIn.finishVideo(id, 'completed');
		standIn.set({ latencyMs: 100 });
		const budgetMs = 1000;
		const got: string[] = [];
		for (let i = 0; i < 12 && got.length < renders.length; i++) {
			const started = Date.now();
			got.push(...emitted(await trigger.poll('trigger', budgetMs)));
			// n8n 2.41 abandons a poll past its timeout and commits nothing of it.
			expect(Date.now() - started).toBeLessThan(budgetMs + 1500);
		}
		expect(got.sort()).toEqual([...renders].sort());
	});
});

describe('edges that hold', () => {
	it(`Video Completed: a burst of more than ${MAX_FRONT} renders comes out once, also after the newest ${MAX_FRONT} are deleted`, async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		expect(await trigger.poll()).toBeNull();
		// A bulk job's renders, started within five minutes and all finished by the next poll.
		const base = standIn.clockSeconds() + 60;
		const burst = Array.from({ length: MAX_FRONT + 100 }, (_, i) =>
			String(standIn.addVideo({ status: 'completed', created_at: base + Math.floor(i / 4) }).id),
		);
		const first = emitted(await trigger.poll());
		expect(first.sort()).toEqual([...burst].sort());
		// Backed up, then the newest deleted (a "back up, then delete" workflow).
		for (const video of standIn.videos.slice(0, MAX_FRONT)) standIn.removeVideo(String(video.id));
		expect(emitted(await trigger.poll())).toEqual([]);
	});

	it('Get Many under renders landing and a video deleted below the reader: each video once, none missing', async () => {
		const before = standIn.videos.map((video) => String(video.id));
		standIn.set({ busyVideos: { addEvery: 1 } });
		// A video on the second page is deleted while the first is read: it was never returned.
		const doomed = before[120];
		standIn.afterRequest((record) => {
			if (record.path === LIST && record.query.token === undefined) standIn.removeVideo(doomed);
		});
		const got = ids(await run({ operation: 'getAll', returnAll: true }));
		expect(new Set(got).size).toBe(got.length);
		expect(got).toEqual(before.filter((id) => id !== doomed));
	});

	it('Limit with the status filter: full pages, stops at the Limit, counts only the kept', async () => {
		const failed = standIn.videos.filter((video) => video.status === 'failed');
		const items = await run({ operation: 'getAll', limit: 3, filters: { status: 'failed' } });
		expect(ids(items)).toEqual(failed.slice(0, 3).map((video) => String(video.id)));
		expect(standIn.requestsTo(LIST).every((request) => request.query.limit === '100')).toBe(true);
	});

	it.each([
		['a trailing slash', (id: string) => `https://app.heygen.com/videos/${id}/`],
		['a query string', (id: string) => `https://app.heygen.com/videos/${id}?sid=abc&x=1`],
		['a fragment', (id: string) => `https://app.heygen.com/videos/${id}#player`],
		['a sub-page', (id: string) => `https://app.heygen.com/videos/${id}/edit`],
	])('Get by URL with %s reads the id', async (_what, urlOf) => {
		const [video] = completed();
		const [item] = await run({ operation: 'get', videoId: byUrl(urlOf(String(video.id))) });
		expect(item.json.id).toBe(video.id);
	});

	it('Get by a URL that is not a video page is refused before any request', async () => {
		const error = await failure({
			operation: 'get',
			videoId: byUrl('https://app.heygen.com/folders/abc'),
		});
		expect(error.message).toBeTruthy();
		expect(standIn.requests.filter((request) => request.path.startsWith(LIST))).toEqual([]);
	});

	it('Delete of an unknown id is an error; a lost answer is a success', async () => {
		const error = await failure({ operation: 'delete', videoId: byId('ffffffffffffffff') });
		expect(error.message).toBe('HeyGen has no video with ID "ffffffffffffffff"');
		const [video] = completed();
		standIn.addFault({ path: `${LIST}/${String(video.id)}`, method: 'DELETE', kind: 'dropAnswer' });
		const [item] = await run({ operation: 'delete', videoId: byId(String(video.id)) });
		expect(item.json).toEqual({ id: video.id, deleted: true });
	});

	it('Get with Download: an expired URL whose fresh URL has expired too is an error naming the file host’s answer', async () => {
		const [video] = completed();
		standIn.set({ videoUrlTtlMs: -1000 });
		const error = await failure({
			operation: 'get',
			videoId: byId(String(video.id)),
			download: true,
		});
		expect(error.message).toBe(`Could not download video ${String(video.id)} (HTTP 403)`);
		expect(standIn.videoFileRefusals.map((refusal) => refusal.reason)).toEqual([
			'expired',
			'expired',
		]);
	});

	it('Get Many with Download and On Error → Continue: a deleted video comes out without its file and says why, the others download', async () => {
		const [first, second] = completed();
		standIn.afterRequest((record) => {
			if (record.path === LIST && record.method === 'GET') standIn.removeVideo(second.id);
		});
		const items = await run(
			{
				operation: 'getAll',
				limit: 2,
				filters: { status: 'completed' },
				download: true,
				options: { requestsAtOnce: 1 },
			},
			{ continueOnFail: true },
		);
		expect(ids(items)).toEqual([first.id, second.id]);
		expect(items[0].binary?.data).toBeDefined();
		expect(items[1].binary).toBeUndefined();
		expect(String(items[1].json.download_skipped)).toMatch(/no longer has this video/);
	});

	it('file names: slashes, empty and unicode titles, and the subtitles’ extension', async () => {
		const slashed = standIn.addVideo({ status: 'completed', title: 'Q3/Q4 review: "final"' });
		const untitled = standIn.addVideo({ status: 'completed', title: '' });
		const unicode = standIn.addVideo({ status: 'completed', title: 'Présentation 日本 🎬' });
		const nameOf = async (id: string, file = 'video') =>
			(await run({ operation: 'get', videoId: byId(id), download: true, file }))[0].binary?.data
				?.fileName;
		expect(await nameOf(String(slashed.id))).toBe('Q3_Q4 review_ _final_.mp4');
		expect(await nameOf(String(untitled.id))).toBe(`video-${String(untitled.id)}.mp4`);
		expect(await nameOf(String(unicode.id))).toBe('Présentation 日本 🎬.mp4');
		expect(await nameOf(String(unicode.id), 'subtitles')).toBe('Présentation 日本 🎬.srt');
		expect(await nameOf(String(unicode.id), 'captionedVideo')).toBe(
			'Présentation 日本 🎬-captioned.mp4',
		);
	});

	it('a file host that redirects gets no API key, nor does the place it redirects to', async () => {
		const [video] = completed();
		standIn.addFault({ path: `/video-files/${String(video.id)}/video`, kind: 'redirect' });
		const [item] = await run({
			operation: 'get',
			videoId: byId(String(video.id)),
			download: true,
			binaryPropertyName: 'clip',
		});
		expect(item.binary?.clip).toBeDefined();
		expect(item.binary?.data).toBeUndefined();
		const toFiles = standIn.requests.filter((request) => request.path.startsWith('/video-files/'));
		expect(toFiles).toHaveLength(2);
		expect(toFiles.every((request) => request.apiKey === undefined)).toBe(true);
	});

	it('Video Completed: a render finishing between the front read and the statuses call comes out once', async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		await trigger.poll();
		// Watched renders far below the front: a newer burst an hour later on HeyGen's clock.
		const watched = running().map((video) => String(video.id));
		standIn.set({ clockOffsetSeconds: 3600 });
		for (let i = 0; i < 5; i++) standIn.addVideo({ status: 'completed' });
		const fresh = standIn.addVideo();
		await trigger.poll();
		let done = false;
		standIn.afterRequest((record) => {
			if (!done && record.path === LIST) {
				done = true;
				standIn.finishVideo(watched[0], 'completed');
				standIn.finishVideo(String(fresh.id), 'completed');
			}
		});
		const got = [...emitted(await trigger.poll()), ...emitted(await trigger.poll())];
		expect(got.sort()).toEqual([watched[0], String(fresh.id)].sort());
		expect(await trigger.poll()).toBeNull();
	});

	it('Video Completed: a render whose created_at equals the mark is seen once, and not again', async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		await trigger.poll();
		const state = trigger.staticData().videoCursor as IDataObject;
		const mark = Number(state.newestTs) - 600;
		const atMark = standIn.addVideo({ status: 'completed', created_at: mark });
		expect(emitted(await trigger.poll())).toEqual([atMark.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it('Video Completed: a watched render deleted in HeyGen leaves the watch list without an error', async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		await trigger.poll();
		standIn.set({ clockOffsetSeconds: 3600 });
		standIn.addVideo({ status: 'completed' });
		await trigger.poll();
		const [render] = running();
		standIn.removeVideo(String(render.id));
		expect(await trigger.poll()).toBeNull();
		const watching = (trigger.staticData().videoCursor as { watching: IDataObject }).watching;
		expect(Object.keys(watching)).not.toContain(render.id);
	});

	it('Video Completed never emits a failed render, from the front or through statuses', async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
		const failedTrigger = heyGenTrigger(credentials(), { event: 'videoFailed' }, 2);
		await trigger.poll();
		await failedTrigger.poll();
		const renders = running().map((video) => String(video.id));
		const late = standIn.addVideo();
		standIn.set({ clockOffsetSeconds: 3600 });
		standIn.addVideo({ status: 'completed' });
		for (const id of [...renders, String(late.id)]) standIn.finishVideo(id, 'failed');
		const front = standIn.addVideo({ status: 'failed' });
		const all = [...renders, String(late.id), String(front.id)].sort();
		expect(emitted(await trigger.poll()).filter((id) => all.includes(id))).toEqual([]);
		expect(emitted(await failedTrigger.poll()).sort()).toEqual(all);
	});

	it('switching the credential to another account starts afresh: nothing of the first account leaks', async () => {
		const other = await startStandIn({
			assets: 1,
			folders: 1,
			videos: 20,
			seed: 7,
			newestTs: Math.floor(Date.now() / 1000) - 600,
		});
		try {
			const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
			await trigger.poll();
			trigger.setCredentials({ apiKey: other.apiKey, baseUrl: other.url });
			expect(await trigger.poll()).toBeNull();
			const added = other.addVideo({ status: 'completed' });
			expect(emitted(await trigger.poll())).toEqual([added.id]);
		} finally {
			await other.close();
		}
	});

	it('a manual test run leaves the saved state alone', async () => {
		const trigger = heyGenTrigger(credentials(), { event: 'videoFailed' }, 2);
		await trigger.poll();
		const saved = JSON.stringify(trigger.staticData());
		const result = await trigger.poll('manual');
		expect(result?.[0][0].json.status).toBe('failed');
		expect(JSON.stringify(trigger.staticData())).toBe(saved);
	});
});
