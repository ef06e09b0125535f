/**
 * Exactly once while the library changes: Get Many always finishes, never outputs an asset twice,
 * and loses none that was there throughout (v3 with deletions in front of the reader excepted, as
 * the README says). Real HTTP against the stand-in, also in its busy mode.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { type INodeParameters, NodeApiError } from 'n8n-workflow';

import { v3NextToken } from '../nodes/HeyGen/api/assets';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

const LIST = { v1: '/v1/asset/list', v3: '/v3/assets' } as const;
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 250, folders: 2, seed: 5 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => {
	standIn.reset();
	standIn.reseed({ assets: 250, folders: 2, seed: 5 });
});

async function getMany(apiVersion: 'v1' | 'v3', extra: INodeParameters = {}) {
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'getAll', returnAll: true, apiVersion, ...extra },
		nodeVersion: 2,
	});
	return output[0].map((item) => String(item.json.id));
}

/** Runs `change` once, right after the `n`-th list page has been answered. */
function between(apiVersion: 'v1' | 'v3', n: number, change: () => void) {
	let pages = 0;
	standIn.afterRequest((record) => {
		if (record.path === LIST[apiVersion] && ++pages === n) change();
	});
}

const currentIds = () => standIn.assets.map((asset) => asset.id);

describe.each(['v1', 'v3'] as const)('Get Many on %s while the library changes', (apiVersion) => {
	it('an asset added at the front between pages: every other asset once, the new one at most once, one request a page', async () => {
		const before = currentIds();
		let added = '';
		between(apiVersion, 1, () => (added = standIn.addAsset().id));
		const ids = await getMany(apiVersion);
		expect(ids.filter((id) => id !== added)).toEqual(before);
		expect(new Set(ids).size).toBe(ids.length);
		expect(standIn.requestsTo(LIST[apiVersion])).toHaveLength(3);
	});

	it('a library that changes on every read: the listing finishes, with every asset once', async () => {
		const before = currentIds();
		standIn.afterRequest((record) => {
			if (record.path === LIST[apiVersion] && record.query.token) standIn.addAsset();
		});
		const ids = await getMany(apiVersion);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.filter((id) => before.includes(id))).toEqual(before);
	});

	it('a quiet account costs exactly one request a page', async () => {
		const ids = await getMany(apiVersion);
		expect(ids).toEqual(currentIds());
		expect(standIn.requestsTo(LIST[apiVersion])).toHaveLength(Math.ceil(250 / 100));
	});

	it('uploads landing all the time: the listing finishes, every asset there throughout once, each new one at most once', async () => {
		standIn.reseed({ assets: 1500, folders: 2, seed: 6 });
		const before = currentIds();
		standIn.set({ busy: { addEvery: 4 } });
		const ids = await getMany(apiVersion);
		expect(new Set(ids).size).toBe(ids.length);
		const added = new Set(standIn.busyChanges.added);
		expect(added.size).toBeGreaterThan(2);
		expect(ids.filter((id) => !added.has(id))).toEqual(before);
		// One request a page, and a page more for what the uploads pushed back (v3's offset token).
		const pages = Math.ceil(1500 / 100);
		expect(standIn.requestsTo(LIST[apiVersion]).length).toBeLessThanOrEqual(pages + 1);
	});

	it('uploads landing all the time, with a Limit: exactly Limit assets, each once, none skipped', async () => {
		standIn.reseed({ assets: 1500, folders: 2, seed: 6 });
		const before = currentIds();
		standIn.set({ busy: { addEvery: 2 } });
		const ids = await getMany(apiVersion, { returnAll: false, limit: 750 });
		expect(ids).toHaveLength(750);
		expect(new Set(ids).size).toBe(750);
		const added = new Set(standIn.busyChanges.added);
		const old = ids.filter((id) => !added.has(id));
		// The old assets output are the newest of them, in order, with none skipped.
		expect(old).toEqual(before.slice(0, old.length));
	});

	it('an asset that HeyGen sends again on the next page is output once, and the debug log counts it', async () => {
		// n8n's logger, as the node's context gets it, with its debug messages kept for the test.
		const logger = Container.get(Logger);
		const messages: string[] = [];
		const recording = Object.create(logger) as Logger;
		Object.defineProperty(recording, 'debug', {
			value: (message: string) => messages.push(message),
		});
		Container.set(Logger, recording);
		try {
			standIn.addFault({ path: LIST[apiVersion], kind: 'overlap', at: 2 });
			const ids = await getMany(apiVersion);
			expect(ids).toEqual(currentIds());
			expect(messages).toContain('HeyGen sent 1 assets twice while listing; each is output once');
		} finally {
			Container.set(Logger, logger);
		}
	});
});

describe('Get Many while assets are deleted in front of the reader', () => {
	it('v1 (a keyset page token): none of the others is lost', async () => {
		const before = currentIds();
		// Two assets of the first page, already read, and two of the next, not yet read.
		const gone = [before[0], before[1], before[150], before[151]];
		between('v1', 1, () => gone.forEach((id) => standIn.removeAsset(id)));
		const ids = await getMany('v1');
		expect(ids).toEqual(before.filter((id) => id !== before[150] && id !== before[151]));
		expect(standIn.requestsTo(LIST.v1)).toHaveLength(3);
	});

	it('v1 busy with uploads and deletions: every asset there throughout comes out once', async () => {
		standIn.reseed({ assets: 1500, folders: 2, seed: 6 });
		const before = currentIds();
		standIn.set({ busy: { addEvery: 3, removeEvery: 2 } });
		const ids = await getMany('v1');
		const { added, removed } = standIn.busyChanges;
		expect(removed.length).toBeGreaterThan(2);
		const changed = new Set([...added, ...removed]);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.filter((id) => !changed.has(id))).toEqual(before.filter((id) => !changed.has(id)));
	});

	it('v3 (an opaque token, offset-like in the stand-in): no error, no duplicate, no extra request; at most as many others missing as were deleted (the README says so)', async () => {
		const before = currentIds();
		between('v3', 1, () => [before[0], before[1]].forEach((id) => standIn.removeAsset(id)));
		const ids = await getMany('v3');
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.every((id) => before.includes(id))).toBe(true);
		expect(before.length - ids.length).toBeLessThanOrEqual(2);
		expect(standIn.requestsTo(LIST.v3)).toHaveLength(3);
	});
});

describe('v3 paging fields that disagree or are malformed are errors, never a short list', () => {
	it.each([
		['hasMoreMissing', 'has_more as nothing, not true or false'],
		['hasMoreString', 'has_more as "true", not true or false'],
		['tokenWithoutMore', 'has_more false with a next_token'],
	] as const)('%s', async (shape, problem) => {
		standIn.addFault({ path: LIST.v3, kind: 'pageShape', shape, at: 2 });
		const error = await getMany('v3').then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('HeyGen returned an unexpected page token');
		expect(error?.description).toContain(problem);
	});

	it('the rule, as a pure function', () => {
		expect(v3NextToken(true, 'abc')).toEqual({ next: 'abc' });
		expect(v3NextToken(false, null)).toEqual({});
		expect(v3NextToken(false, '')).toEqual({});
		expect(v3NextToken(false, undefined)).toEqual({});
		expect(v3NextToken(true, '')).toEqual({ problem: 'has_more true without a next_token' });
		expect(v3NextToken(false, 'abc')).toEqual({ problem: 'has_more false with a next_token' });
		expect(v3NextToken(1, 'abc')).toEqual({ problem: 'has_more as 1, not true or false' });
	});
});
