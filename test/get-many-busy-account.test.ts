/**
 * Get Many on a busy v3 account: "A Return All or Limit completes on an account that never stops
 * changing", "A listing always finishes — Return All or Limit, on an account where uploads
 * never stop — and costs one request a page ... plus one for every 100 uploads that land in front of
 * the reader" (README).
 */
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

let standIn: Awaited<ReturnType<typeof startStandIn>>;
beforeEach(async () => {
	standIn = await startStandIn({ assets: 1500, folders: 2, seed: 6 });
});
afterEach(async () => {
	await standIn.close();
});

it('v3, Limit 150, one upload landing after every list page: finishes with 150 assets in a few requests', async () => {
	const before = standIn.assets.map((asset) => asset.id);
	standIn.set({ busy: { addEvery: 1 } });
	// A safety net so that the test ends: after 300 list requests the uploads stop.
	let requests = 0;
	standIn.afterRequest((record) => {
		if (record.path === '/v3/assets' && ++requests === 300) standIn.set({ busy: undefined });
	});
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'getAll', returnAll: false, limit: 150 },
		nodeVersion: 2,
	});
	const ids = output[0].map((item) => String(item.json.id));
	expect(ids).toHaveLength(150);
	expect(new Set(ids).size).toBe(150);
	const added = new Set(standIn.busyChanges.added);
	const old = ids.filter((id) => !added.has(id));
	expect(old).toEqual(before.slice(0, old.length));
	// Two pages, and one more for what the uploads pushed back: nowhere near 300.
	expect(standIn.requestsTo('/v3/assets').length).toBeLessThanOrEqual(5);
});
