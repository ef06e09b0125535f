import type { INodeExecutionData } from 'n8n-workflow';

import { heyGenTrigger } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeEach(async () => {
	standIn = await startStandIn({ assets: 130, folders: 2, seed: 17 });
});
afterEach(async () => {
	await standIn.close();
});

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const ids = (result: INodeExecutionData[][] | null) =>
	result ? result[0].map((item) => item.json.id) : [];

const LIST = '/v1/asset/list';
const cursorOf = (trigger: ReturnType<typeof heyGenTrigger>) =>
	trigger.staticData().cursor as {
		newestTs: number;
		seen: Record<string, number>;
		query: string;
		floorTs: number;
		pendingTs?: number;
	};

it('the first activation remembers where the library is, emits nothing, and a quiet account costs one request a poll', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	expect(await trigger.poll()).toBeNull();
	const newest = standIn.assets[0];
	const cursor = cursorOf(trigger);
	expect(cursor.newestTs).toBe(newest.created_ts);
	// The ids of the assets inside the look-back window (60 minutes by default), nothing older.
	const inWindow = standIn.assets.filter((asset) => asset.created_ts >= newest.created_ts - 3600);
	expect(Object.keys(cursor.seen).sort()).toEqual(inWindow.map((asset) => asset.id).sort());
	expect(standIn.requestsTo(LIST)).toHaveLength(1);
	expect(await trigger.poll()).toBeNull();
	expect(standIn.requestsTo(LIST)).toHaveLength(2);
});

it('emits each new asset once, oldest first, and nothing when nothing is new', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const a = standIn.addAsset({ file_type: 'video' });
	const b = standIn.addAsset({ file_type: 'audio' });
	const c = standIn.addAsset({ file_type: 'image' });
	const first = await trigger.poll();
	expect(ids(first)).toEqual([a.id, b.id, c.id]);
	expect(first?.[0][0].json).toEqual(a);
	expect(await trigger.poll()).toBeNull();
	const d = standIn.addAsset();
	expect(ids(await trigger.poll())).toEqual([d.id]);
});

it('an asset in the same second as the last one seen is not missed, and not sent twice', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const a = standIn.addAsset({ created_ts: 1_800_000_000 });
	expect(ids(await trigger.poll())).toEqual([a.id]);
	const b = standIn.addAsset({ created_ts: 1_800_000_000 });
	expect(ids(await trigger.poll())).toEqual([b.id]);
	expect(await trigger.poll()).toBeNull();
});

it('many new assets across several pages all come through once', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const added = Array.from({ length: 150 }, () => standIn.addAsset());
	const result = await trigger.poll();
	expect(ids(result)).toEqual(added.map((asset) => asset.id));
	expect(await trigger.poll()).toBeNull();
});

it('an asset that appears late with an older upload time is emitted once inside the window, and not outside it', async () => {
	const trigger = heyGenTrigger(credentials(), { lookBackMinutes: 30 });
	await trigger.poll();
	const newest = standIn.assets[0].created_ts;
	const late = standIn.addAsset({ created_ts: newest - 20 * 60 });
	const tooLate = standIn.addAsset({ created_ts: newest - 40 * 60 });
	expect(ids(await trigger.poll())).toEqual([late.id]);
	expect(await trigger.poll()).toBeNull();
	expect(Object.keys(cursorOf(trigger).seen)).not.toContain(tooLate.id);
});

it('a changed query (filters, API version) starts a fresh position: nothing old is emitted', async () => {
	const trigger = heyGenTrigger(credentials(), { filters: { fileType: 'video' } });
	await trigger.poll();
	// Dropping the filter would otherwise emit every image and audio newer than the newest video.
	trigger.setParameters({});
	expect(await trigger.poll()).toBeNull();
	trigger.setParameters({ filters: { fileType: 'video' } });
	expect(await trigger.poll()).toBeNull();
	expect(cursorOf(trigger).query).toContain('video');
	trigger.setParameters({ apiVersion: 'v3', filters: { fileType: 'video' } });
	expect(await trigger.poll()).toBeNull();
	const video = standIn.addAsset({ file_type: 'video' });
	standIn.addAsset({ file_type: 'image' });
	expect(ids(await trigger.poll())).toEqual([video.id]);
});

it("on v3 with a file-type filter, a quiet poll still costs one request: every asset's time counts", async () => {
	const trigger = heyGenTrigger(credentials(), {
		apiVersion: 'v3',
		filters: { fileType: 'video' },
	});
	await trigger.poll();
	standIn.reset();
	expect(await trigger.poll()).toBeNull();
	expect(standIn.requestsTo('/v3/assets')).toHaveLength(1);
});

it('more than a page of assets in one second at the first activation are all remembered', async () => {
	const second = 1_800_000_000;
	const burst = Array.from({ length: 150 }, () => standIn.addAsset({ created_ts: second }));
	const trigger = heyGenTrigger(credentials(), {});
	expect(await trigger.poll()).toBeNull();
	expect(Object.keys(cursorOf(trigger).seen)).toEqual(
		expect.arrayContaining(burst.map((asset) => asset.id)),
	);
	expect(await trigger.poll()).toBeNull();
	const next = standIn.addAsset({ created_ts: second });
	expect(ids(await trigger.poll())).toEqual([next.id]);
});

it("a poll that runs out of n8n's time emits what it read and the next poll reads the rest: none lost, none twice", async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const added = Array.from({ length: 250 }, () => standIn.addAsset());
	const first = await trigger.poll('trigger', 0);
	expect(ids(first)).toEqual(added.slice(150).map((asset) => asset.id));
	expect(cursorOf(trigger).pendingTs).toEqual(expect.any(Number));
	const second = await trigger.poll();
	expect(ids(second)).toEqual(added.slice(0, 150).map((asset) => asset.id));
	expect(cursorOf(trigger).pendingTs).toBeUndefined();
	expect(await trigger.poll()).toBeNull();
});

it("n8n not keeping the activation poll's position (durable poll cursors): the first scheduled poll starts from it all the same", async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	// What n8n 2.41 does with durable poll cursors: the activation-time poll's state is not committed.
	const staticData = trigger.staticData();
	for (const key of Object.keys(staticData)) delete staticData[key];
	const uploadedInBetween = standIn.addAsset();
	expect(ids(await trigger.poll())).toEqual([uploadedInBetween.id]);
	expect(await trigger.poll()).toBeNull();
});

it('a position saved by an older version of the package is taken over where it was', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	const newest = standIn.assets[0];
	Object.assign(trigger.staticData(), { lastTs: newest.created_ts, idsAtLastTs: [newest.id] });
	const a = standIn.addAsset();
	expect(ids(await trigger.poll())).toEqual([a.id]);
	expect(trigger.staticData().lastTs).toBeUndefined();
	expect(await trigger.poll()).toBeNull();
});

it('filters by file type', async () => {
	const trigger = heyGenTrigger(credentials(), { filters: { fileType: 'video' } });
	await trigger.poll();
	standIn.addAsset({ file_type: 'image' });
	const video = standIn.addAsset({ file_type: 'video' });
	expect(ids(await trigger.poll())).toEqual([video.id]);
	expect(
		standIn.requestsTo('/v1/asset/list').every((request) => request.query.file_type === 'video'),
	).toBe(true);
});

it('works on v3 too', async () => {
	const trigger = heyGenTrigger(credentials(), { apiVersion: 'v3' });
	await trigger.poll();
	const a = standIn.addAsset({ file_type: 'audio' });
	const result = await trigger.poll();
	expect(ids(result)).toEqual([a.id]);
	expect(result?.[0][0].json).toMatchObject({ file_type: 'audio', owner: standIn.username });
});

it('a manual test run returns the newest asset, so users see the shape, and leaves the state alone', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	const result = await trigger.poll('manual');
	expect(result?.[0].map((item) => item.json)).toEqual([standIn.assets[0]]);
	expect(trigger.staticData()).toEqual({});
});
