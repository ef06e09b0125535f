/**
 * The HeyGen Trigger's Video Completed and Video Failed events against the stand-in, polled as an
 * active workflow is: each render that finishes after activation once (renders running at activation
 * included), nothing that finished before, the failed ones only on Video Failed, across a restart;
 * a quiet poll costs one request.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { heyGenTrigger } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeEach(async () => {
	// A library whose newest render started minutes ago, as an account in use.
	const newestTs = Math.floor(Date.now() / 1000) - 600;
	standIn = await startStandIn({ assets: 3, folders: 2, videos: 60, seed: 31, newestTs });
});
afterEach(async () => {
	await standIn.close();
});

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const ids = (result: INodeExecutionData[][] | null) =>
	result ? result[0].map((item) => String(item.json.id)) : [];
const running = () =>
	standIn.videos.filter((video) => video.status === 'pending' || video.status === 'processing');
const LIST = '/v3/videos';

it('activation emits nothing, and nothing that finished before it ever comes out', async () => {
	const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	expect(await trigger.poll()).toBeNull();
	expect(await trigger.poll()).toBeNull();
	expect(standIn.videos.some((video) => video.status === 'completed')).toBe(true);
});

it('a render running at activation that completes later comes out once, with its fresh object', async () => {
	const [render] = running();
	expect(render).toBeDefined();
	const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	await trigger.poll();
	standIn.finishVideo(render.id, 'completed');
	const result = await trigger.poll();
	expect(ids(result)).toEqual([render.id]);
	expect(result?.[0][0].json).toMatchObject({
		id: render.id,
		status: 'completed',
		video_url: expect.any(String),
	});
	expect(await trigger.poll()).toBeNull();
});

it('renders started after activation: completed ones come out once each, oldest start first; failed ones only on Video Failed', async () => {
	const completedTrigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	const failedTrigger = heyGenTrigger(credentials(), { event: 'videoFailed' }, 2);
	await completedTrigger.poll();
	await failedTrigger.poll();
	const a = standIn.addVideo({ status: 'completed' });
	const b = standIn.addVideo();
	const c = standIn.addVideo();
	expect(ids(await completedTrigger.poll())).toEqual([a.id]);
	standIn.finishVideo(b.id, 'completed');
	standIn.finishVideo(c.id, 'failed');
	expect(ids(await completedTrigger.poll())).toEqual([b.id]);
	expect(ids(await failedTrigger.poll())).toEqual([c.id]);
	expect(await completedTrigger.poll()).toBeNull();
	expect(await failedTrigger.poll()).toBeNull();
});

it('watched renders the front no longer shows are asked for through /v3/videos/statuses, 100 a request', async () => {
	const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	await trigger.poll();
	const renders = Array.from({ length: 300 }, () => standIn.addVideo());
	await trigger.poll();
	// An hour later (on HeyGen's clock) many newer renders have pushed these far below the front:
	// their statuses are asked for.
	standIn.set({ clockOffsetSeconds: 3600 });
	for (let i = 0; i < 120; i++) standIn.addVideo({ status: 'completed' });
	await trigger.poll();
	const before = standIn.requests.length;
	for (const render of renders.slice(0, 3)) standIn.finishVideo(render.id, 'completed');
	const result = await trigger.poll();
	expect(ids(result).sort()).toEqual(
		renders
			.slice(0, 3)
			.map((render) => render.id)
			.sort(),
	);
	const asked = standIn.requests
		.slice(before)
		.filter((request) => request.path === '/v3/videos/statuses');
	expect(asked.length).toBeGreaterThan(0);
	const askedIds = asked.flatMap((request) => String(request.query.video_ids).split(','));
	const counts = asked.map((request) => String(request.query.video_ids).split(',').length);
	expect(counts.slice(0, 2)).toEqual([100, 100]);
	expect(counts.every((count) => count <= 100)).toBe(true);
	// Each watched render once: those the front showed again need no asking.
	expect(new Set(askedIds).size).toBe(askedIds.length);
	for (const render of renders.slice(0, 3)) expect(askedIds).toContain(render.id);
});

it('a quiet poll costs one request', async () => {
	const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	await trigger.poll();
	standIn.reset();
	await trigger.poll();
	// Every render running at activation is still on the first page, so no status is asked for.
	expect(standIn.requests.map((request) => request.path)).toEqual([LIST]);
});

it('across a restart (the saved state in a new process): every later render once, nothing twice', async () => {
	const first = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	await first.poll();
	const a = standIn.addVideo();
	await first.poll();
	const restarted = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	Object.assign(restarted.staticData(), JSON.parse(JSON.stringify(first.staticData())));
	standIn.finishVideo(a.id, 'completed');
	const b = standIn.addVideo({ status: 'completed' });
	expect(ids(await restarted.poll()).sort()).toEqual([a.id, b.id].sort());
	expect(await restarted.poll()).toBeNull();
});

it('a manual test run shows the newest completed video', async () => {
	const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	const result = await trigger.poll('manual');
	const newest = standIn.videos.find((video) => video.status === 'completed');
	expect(ids(result)).toEqual([newest?.id]);
});

it('the saved state stays small whatever the library: the front window and the renders running', async () => {
	const trigger = heyGenTrigger(credentials(), { event: 'videoCompleted' }, 2);
	await trigger.poll();
	for (let i = 0; i < 300; i++) standIn.addVideo({ status: 'completed' });
	await trigger.poll();
	const state = trigger.staticData().videoCursor as { front: object; watching: object };
	expect(Object.keys(state.watching).length).toBeLessThanOrEqual(running().length);
	expect(JSON.stringify(state).length).toBeLessThan(40_000);
});
