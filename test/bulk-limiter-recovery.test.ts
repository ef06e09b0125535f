/**
 * Review 17: what the README promises of the limiter after a 429 — "pauses every request of the run
 * for the wait HeyGen asks (or the backoff), and halves the number allowed in flight; each normal
 * answer adds back a fraction, about one per round of answers, up to the option".
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
const saved = { ...RETRY_POLICY };
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 300, folders: 2, seed: 31 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => {
	Object.assign(RETRY_POLICY, saved, { baseDelayMs: 20 });
	standIn.reset();
	standIn.reseed({ assets: 300, folders: 2, seed: 31 });
});
afterEach(() => {
	Object.assign(RETRY_POLICY, saved);
});

async function run(parameters: INodeParameters, input: INodeExecutionData[]) {
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters,
		input,
		nodeVersion: 2,
	});
	return output[0];
}

it('one 429 on the listing (1 request in flight) does not pin the files that follow to one at a time: the limit grows back up to Requests at Once', async () => {
	standIn.set({ latencyMs: 15 });
	// One transient 429 (Retry-After: 0) on the first list page, the only request in flight.
	standIn.addFault({
		path: '/v3/assets',
		method: 'GET',
		kind: 'status',
		status: 429,
		retryAfter: '0',
	});
	const items = await run(
		{
			resource: 'asset',
			operation: 'getAll',
			limit: 200,
			download: true,
			options: { requestsAtOnce: 10 },
		},
		[{ json: {} }],
	);
	expect(items).toHaveLength(200);
	// Every asset with a URL came with its file (the others say download_skipped).
	const withFiles = items.filter((item) => item.binary?.data !== undefined);
	expect(withFiles.length).toBe(items.filter((item) => item.json.url).length);
	expect(withFiles.length).toBeGreaterThan(150);
	expect(standIn.requests.filter((request) => request.status === 429)).toHaveLength(1);
	// Halved to 5, then about one more per round of answers: back at 10 within ~40 of the 200 files.
	expect(standIn.fileStats.maxInFlight).toBe(10);
});
