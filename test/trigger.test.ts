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
	result ? result[0].map((item) => String(item.json.id)) : [];
const now = () => Math.floor(Date.now() / 1000);

const LIST = '/v1/asset/list';
const cursorOf = (trigger: ReturnType<typeof heyGenTrigger>) =>
	trigger.staticData().cursor as {
		newestTs: number;
		seen: Record<string, number>;
		query: string;
		floorTs: number;
		backlog?: { token: string; readDownTo: number };
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

/** Polls with no time to spare (each poll reads one page) until a poll emits nothing; every id emitted, in order. */
async function drain(trigger: ReturnType<typeof heyGenTrigger>, maxPolls = 30) {
	const emitted: string[] = [];
	for (let poll = 0; poll < maxPolls; poll++) {
		const result = await trigger.poll('trigger', 0);
		if (!result) return emitted;
		emitted.push(...ids(result));
	}
	throw new Error(`still emitting after ${maxPolls} polls`);
}

it("a backlog larger than one poll's time drains over successive polls, each asset once, each poll going on where the last stopped", async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const added = Array.from({ length: 600 }, () => standIn.addAsset());
	standIn.reset();
	const emitted = await drain(trigger);
	expect([...emitted].sort()).toEqual(added.map((asset) => asset.id).sort());
	expect(new Set(emitted).size).toBe(600);
	// Each page of the backlog is read once: 6 pages of new assets, and the one that reaches back.
	expect(standIn.requestsTo(LIST).length).toBeLessThanOrEqual(8);
	expect(cursorOf(trigger).backlog).toBeUndefined();
	expect(await trigger.poll()).toBeNull();
});

it('uploads landing while a backlog drains come through too, each once', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const added = Array.from({ length: 250 }, () => standIn.addAsset());
	const first = await trigger.poll('trigger', 0);
	expect(cursorOf(trigger).backlog).toEqual(expect.objectContaining({ token: expect.any(String) }));
	const later = [standIn.addAsset(), standIn.addAsset()];
	const rest = await drain(trigger);
	const emitted = [...ids(first), ...rest, ...ids(await trigger.poll())];
	expect([...emitted].sort()).toEqual([...added, ...later].map((asset) => asset.id).sort());
	expect(await trigger.poll()).toBeNull();
});

it('a backlog token HeyGen no longer accepts: the poll reads from the front instead, nothing lost or twice', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const added = Array.from({ length: 250 }, () => standIn.addAsset());
	const first = await trigger.poll('trigger', 0);
	const cursor = trigger.staticData().cursor as { backlog: { token: string } };
	cursor.backlog.token = 'expired';
	const rest = await trigger.poll();
	const emitted = [...ids(first), ...ids(rest)];
	expect([...emitted].sort()).toEqual(added.map((asset) => asset.id).sort());
	expect(await trigger.poll()).toBeNull();
});

it('widening the Look-Back Window on an active trigger emits nothing already emitted and nothing from before activation', async () => {
	const trigger = heyGenTrigger(credentials(), { lookBackMinutes: 30 });
	await trigger.poll();
	const newest = standIn.assets[0].created_ts;
	const a = standIn.addAsset({ created_ts: newest + 60 });
	expect(ids(await trigger.poll())).toEqual([a.id]);
	// Time moves on past the window: what was seen so far drops out of it.
	const b = standIn.addAsset({ created_ts: newest + 45 * 60 });
	expect(ids(await trigger.poll())).toEqual([b.id]);
	trigger.setParameters({ lookBackMinutes: 600 });
	expect(await trigger.poll()).toBeNull();
	const late = standIn.addAsset({ created_ts: newest + 30 * 60 });
	expect(ids(await trigger.poll())).toEqual([late.id]);
	trigger.setParameters({ lookBackMinutes: 5 });
	expect(await trigger.poll()).toBeNull();
	trigger.setParameters({ lookBackMinutes: 600 });
	expect(await trigger.poll()).toBeNull();
});

it('an asset from the future (clock skew, a bad import) is emitted once and does not silence the uploads after it', async () => {
	const trigger = heyGenTrigger(credentials(), {});
	await trigger.poll();
	const skewed = standIn.addAsset({ created_ts: now() + 365 * 86_400 });
	expect(ids(await trigger.poll())).toEqual([skewed.id]);
	const normal = standIn.addAsset({ created_ts: now() });
	expect(ids(await trigger.poll())).toEqual([normal.id]);
	standIn.removeAsset(skewed.id);
	const after = standIn.addAsset({ created_ts: now() + 1 });
	expect(ids(await trigger.poll())).toEqual([after.id]);
	expect(cursorOf(trigger).newestTs).toBeLessThanOrEqual(now() + 600);
	expect(await trigger.poll()).toBeNull();
});

it('an asset from the future present at activation does not silence the uploads after it', async () => {
	standIn.addAsset({ created_ts: now() + 30 * 86_400 });
	const trigger = heyGenTrigger(credentials(), {});
	expect(await trigger.poll()).toBeNull();
	const normal = standIn.addAsset({ created_ts: now() });
	expect(ids(await trigger.poll())).toEqual([normal.id]);
	expect(await trigger.poll()).toBeNull();
});

it("switching the trigger's credential to another HeyGen account starts a fresh position: that account's assets are not new", async () => {
	const other = await startStandIn({ assets: 130, folders: 2, seed: 99, apiKey: 'other-key' });
	try {
		const trigger = heyGenTrigger(credentials(), {});
		await trigger.poll();
		const firstQuery = cursorOf(trigger).query;
		trigger.setCredentials({ apiKey: other.apiKey, baseUrl: other.url });
		expect(await trigger.poll()).toBeNull();
		expect(cursorOf(trigger).query).not.toBe(firstQuery);
		expect(JSON.stringify(trigger.staticData())).not.toContain(other.apiKey);
		const fresh = other.addAsset();
		expect(ids(await trigger.poll())).toEqual([fresh.id]);
		// And back: the first account's position is fresh again too.
		trigger.setCredentials(credentials());
		expect(await trigger.poll()).toBeNull();
	} finally {
		await other.close();
	}
});

it('on v3 the position belongs to the resolved owner, not to an empty Owner Username', async () => {
	const trigger = heyGenTrigger(credentials(), { apiVersion: 'v3' });
	await trigger.poll();
	expect(cursorOf(trigger).query).toContain(standIn.username);
	trigger.setParameters({ apiVersion: 'v3', ownerUsername: standIn.username });
	standIn.reset();
	const a = standIn.addAsset();
	expect(ids(await trigger.poll())).toEqual([a.id]);
});

it('on v3 with a file-type filter and no asset of that type, a quiet poll is one request', async () => {
	standIn.reseed({ assets: { image: 1000 }, folders: 1, seed: 3 });
	const trigger = heyGenTrigger(credentials(), {
		apiVersion: 'v3',
		filters: { fileType: 'video' },
	});
	await trigger.poll();
	standIn.reset();
	expect(await trigger.poll()).toBeNull();
	expect(standIn.requestsTo('/v3/assets')).toHaveLength(1);
	const video = standIn.addAsset({ file_type: 'video' });
	expect(ids(await trigger.poll())).toEqual([video.id]);
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

/**
 * Edges where the docs make promises (each of these once failed, before its fix), and the v3
 * offset-token limits the docs state, held to their bound.
 */
describe('attacked where the README makes promises', () => {
	it('a first activation that runs out of time inside a same-second burst emits none of the assets that were already there', async () => {
		// 150 assets uploaded in one second (a bulk import), all there before the trigger is activated.
		const second = now() - 60;
		const burst = Array.from({ length: 150 }, () => standIn.addAsset({ created_ts: second }));
		const trigger = heyGenTrigger(credentials(), {});
		// n8n gives the activation poll no time to spare: it reads one page.
		expect(await trigger.poll('trigger', 0)).toBeNull();
		// The next poll has time: nothing that existed before activation is new.
		const next = await trigger.poll();
		const old = ids(next).filter((id) => burst.some((asset) => asset.id === id));
		expect(old).toEqual([]);
	});

	it('switching the credential away and back starts afresh: assets uploaded to the first account meanwhile are not emitted as new', async () => {
		const other = await startStandIn({ assets: 130, folders: 2, seed: 99, apiKey: 'other-key' });
		try {
			const trigger = heyGenTrigger(credentials(), {});
			expect(await trigger.poll()).toBeNull();
			// The user switches to another account, which runs for a while...
			trigger.setCredentials({ apiKey: other.apiKey, baseUrl: other.url });
			expect(await trigger.poll()).toBeNull();
			expect(await trigger.poll()).toBeNull();
			// ...while uploads land on the first account.
			const meanwhile = [standIn.addAsset(), standIn.addAsset(), standIn.addAsset()];
			// Back to the first account: a change, so a fresh position; what is there now is not new.
			trigger.setCredentials(credentials());
			const back = await trigger.poll();
			expect({ emitted: ids(back), of: meanwhile.map((asset) => asset.id) }).toEqual({
				emitted: [],
				of: meanwhile.map((asset) => asset.id),
			});
			// And it is a working fresh position: the next upload is emitted.
			const fresh = standIn.addAsset();
			expect(ids(await trigger.poll())).toEqual([fresh.id]);
		} finally {
			await other.close();
		}
	});

	it("C: HeyGen's clock 2 hours behind n8n's and one asset from the future: the uploads after it still arrive", async () => {
		// HeyGen's own clock: two hours behind n8n's (its Date header and its upload times).
		standIn.set({ clockOffsetSeconds: -2 * 3600 });
		const heyGenNow = () => now() - 2 * 3600;
		standIn.addAsset({ created_ts: heyGenNow() - 600 });
		const trigger = heyGenTrigger(credentials(), {});
		expect(await trigger.poll()).toBeNull();
		const skewed = standIn.addAsset({ created_ts: heyGenNow() + 365 * 86_400 });
		expect(ids(await trigger.poll())).toEqual([skewed.id]);
		const normal = standIn.addAsset({ created_ts: heyGenNow() });
		expect(ids(await trigger.poll())).toEqual([normal.id]);
		const another = standIn.addAsset({ created_ts: heyGenNow() + 1 });
		expect(ids(await trigger.poll())).toEqual([another.id]);
	});

	it.each([
		['v1', 0],
		['v3', 1],
	] as const)(
		'D: %s, an asset already emitted is deleted between two backlog polls: at most %i others missing (v3: offset token, README)',
		async (apiVersion, bound) => {
			const trigger = heyGenTrigger(credentials(), { apiVersion });
			expect(await trigger.poll()).toBeNull();
			const added = Array.from({ length: 250 }, () => standIn.addAsset());
			const first = ids(await trigger.poll('trigger', 0));
			expect(first.length).toBeGreaterThan(0);
			// The user deletes one of the assets just delivered (the workflow moved it elsewhere, say).
			const gone = first[first.length - 1];
			expect(standIn.removeAsset(gone)).toBe(true);
			const rest = await drain(trigger);
			const emitted = [...first, ...rest];
			const missing = added.map((asset) => asset.id).filter((id) => !emitted.includes(id));
			expect(missing.length).toBeLessThanOrEqual(bound);
			expect(new Set(emitted).size).toBe(emitted.length);
		},
	);

	it('a filter changed away and back starts afresh too: a video uploaded meanwhile is not emitted as new', async () => {
		const trigger = heyGenTrigger(credentials(), { filters: { fileType: 'video' } });
		expect(await trigger.poll()).toBeNull();
		trigger.setParameters({});
		expect(await trigger.poll()).toBeNull();
		const meanwhile = standIn.addAsset({ file_type: 'video' });
		expect(ids(await trigger.poll())).toEqual([meanwhile.id]);
		// Back to videos only: a change, so a fresh position; the video already there is not new.
		trigger.setParameters({ filters: { fileType: 'video' } });
		expect(ids(await trigger.poll())).toEqual([]);
	});

	it.each([
		['v1', 0],
		['v3', 1],
	] as const)(
		'E: %s, an asset deleted while the first activation reads its pages: at most %i asset from before comes out as new (v3: offset token, README)',
		async (apiVersion, bound) => {
			// 250 assets inside the window: the first activation reads three pages.
			const base = now() - 3000;
			const before = Array.from({ length: 250 }, (_, i) =>
				standIn.addAsset({ created_ts: base + i }),
			);
			let pages = 0;
			const list = apiVersion === 'v1' ? '/v1/asset/list' : '/v3/assets';
			standIn.afterRequest((record) => {
				// Someone deletes an asset of the first page while the trigger reads the second.
				if (record.path === list && ++pages === 1) standIn.removeAsset(before[249].id);
			});
			const trigger = heyGenTrigger(credentials(), { apiVersion });
			expect(await trigger.poll()).toBeNull();
			const next = await trigger.poll();
			const old = ids(next).filter((id) => before.some((asset) => asset.id === id));
			expect(old.length).toBeLessThanOrEqual(bound);
		},
	);

	it('after a first activation that ran out of time, an asset that appears late with an older time inside the window is still emitted once', async () => {
		// 150 uploads in the last 25 minutes: the first activation (no time to spare) reads one page.
		const base = now() - 25 * 60;
		Array.from({ length: 150 }, (_, i) => standIn.addAsset({ created_ts: base + i * 10 }));
		const trigger = heyGenTrigger(credentials(), {});
		expect(await trigger.poll('trigger', 0)).toBeNull();
		const newest = standIn.assets[0].created_ts;
		// A video that finished processing late: 40 minutes older than the newest asset, inside the 60-minute window.
		const late = standIn.addAsset({ created_ts: newest - 40 * 60, file_type: 'video' });
		expect(ids(await trigger.poll())).toEqual([late.id]);
		expect(await trigger.poll()).toBeNull();
	});

	it("H: HeyGen's clock 15 minutes ahead of n8n's, 91 uploads in the window: a quiet poll is one request", async () => {
		// HeyGen's own clock: 15 minutes ahead of n8n's. An upload every 40 s for the last 80 minutes.
		standIn.set({ clockOffsetSeconds: 15 * 60 });
		const heyGenNow = now() + 15 * 60;
		for (let i = 119; i >= 0; i--) standIn.addAsset({ created_ts: heyGenNow - i * 40 });
		const newest = standIn.assets[0].created_ts;
		const inWindow = standIn.assets.filter((asset) => asset.created_ts >= newest - 3600);
		expect(inWindow.length).toBeLessThan(100);
		const trigger = heyGenTrigger(credentials(), {});
		expect(await trigger.poll()).toBeNull();
		standIn.reset();
		expect(await trigger.poll()).toBeNull();
		expect(standIn.requestsTo('/v1/asset/list')).toHaveLength(1);
	});

	it.each([0, 1, 4])(
		'J: Look-Back Window %i minutes and one asset from the future (clocks in step): the uploads after it still arrive',
		async (lookBackMinutes) => {
			const trigger = heyGenTrigger(credentials(), { lookBackMinutes });
			expect(await trigger.poll()).toBeNull();
			const skewed = standIn.addAsset({ created_ts: now() + 365 * 86_400 });
			expect(ids(await trigger.poll())).toEqual([skewed.id]);
			// An ordinary upload, dated by a clock in step with n8n's.
			const normal = standIn.addAsset({ created_ts: now() });
			expect(ids(await trigger.poll())).toEqual([normal.id]);
			const another = standIn.addAsset({ created_ts: now() + 1 });
			expect(ids(await trigger.poll())).toEqual([another.id]);
		},
	);

	it('a backlog drains although HeyGen refuses each saved page token (tokens that expire between two polls)', async () => {
		const trigger = heyGenTrigger(credentials(), {});
		expect(await trigger.poll()).toBeNull();
		const added = Array.from({ length: 250 }, () => standIn.addAsset());
		const emitted: string[] = [];
		for (let poll = 0; poll < 20; poll++) {
			const cursor = trigger.staticData().cursor as { backlog?: { token: string } };
			// HeyGen no longer accepts the token saved by the poll before.
			if (cursor.backlog) cursor.backlog.token = 'expired';
			emitted.push(...ids(await trigger.poll('trigger', 0)));
		}
		const missing = added.map((asset) => asset.id).filter((id) => !emitted.includes(id));
		expect({ emitted: emitted.length, missing: missing.length }).toEqual({
			emitted: 250,
			missing: 0,
		});
	});
});
