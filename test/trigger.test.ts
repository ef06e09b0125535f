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

it('the first activation remembers where the library is and emits nothing', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	expect(await trigger.poll()).toBeNull();
	const newest = standIn.assets[0];
	expect(trigger.staticData()).toEqual({ lastTs: newest.created_ts, idsAtLastTs: [newest.id] });
	expect(await trigger.poll()).toBeNull();
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
	expect(trigger.staticData()).toEqual({ lastTs: 1_800_000_000, idsAtLastTs: [a.id, b.id] });
	expect(await trigger.poll()).toBeNull();
});

it('many new assets across several pages all come through once', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const added = Array.from({ length: 150 }, () => standIn.addAsset());
	const result = await trigger.poll();
	expect(ids(result)).toEqual(added.map((asset) => asset.id));
	const listRequests = standIn.requestsTo('/v1/asset/list');
	// One page for the first activation, then pages until one reaches back past the last seen asset.
	expect(listRequests.length).toBeLessThanOrEqual(1 + 3);
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
