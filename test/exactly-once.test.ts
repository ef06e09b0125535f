/**
 * Exactly once while the library changes: Get Many never outputs an asset twice and loses none,
 * whatever happens between its pages — or it fails clearly. Real HTTP against the stand-in.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { v3NextToken } from '../nodes/HeyGen/transport';
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
	it('an asset added at the front between pages: every asset once, the new one too', async () => {
		between(apiVersion, 1, () => standIn.addAsset());
		const ids = await getMany(apiVersion);
		expect(ids).toEqual(currentIds());
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toHaveLength(251);
	});

	it('assets deleted at the front between pages: none of the others is lost', async () => {
		const [first, second] = standIn.assets;
		between(apiVersion, 2, () => {
			standIn.removeAsset(first.id);
			standIn.removeAsset(second.id);
		});
		const ids = await getMany(apiVersion);
		expect(ids).toEqual(currentIds());
		expect(ids).toHaveLength(248);
	});

	it('a library that changes on every read: a clear error, never a list that may be short', async () => {
		standIn.afterRequest((record) => {
			if (record.path === LIST[apiVersion] && record.query.token) standIn.addAsset();
		});
		const error = await getMany(apiVersion).then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('The HeyGen library kept changing while it was being listed');
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
