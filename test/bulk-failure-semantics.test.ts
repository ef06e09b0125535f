/**
 * Review 17: "Failure semantics unchanged" (issue 17) and "a NodeOperationError naming the field"
 * for Requests at Once (README, Errors).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
const saved = { ...RETRY_POLICY };
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 100, folders: 2, seed: 31 });
	Object.assign(RETRY_POLICY, { baseDelayMs: 20 });
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, saved);
	await standIn.close();
});
beforeEach(() => {
	standIn.reset();
	standIn.reseed({ assets: 100, folders: 2, seed: 31 });
});

const getItem = (extra: INodeParameters = {}) => ({
	resource: 'asset',
	operation: 'get',
	assetId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
	...extra,
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

it('On Error → Stop with two failing items reports the first by input order, as one item after the other did (not whichever answered first)', async () => {
	const ids = standIn.assets.slice(0, 20).map((asset) => asset.id);
	ids[3] = 'missing000000000000000000000003';
	ids[7] = 'missing000000000000000000000007';
	standIn.set({ latencyMs: 20 });
	// Item 3's 404 comes back after item 7's.
	standIn.addFault({ path: `/v3/assets/${ids[3]}`, kind: 'slow', delayMs: 300 });
	const error = await run(
		getItem({ options: { requestsAtOnce: 10 } }),
		ids.map((id) => ({ json: { id } })),
	).then(
		() => undefined,
		(caught: unknown) => caught as NodeApiError,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error?.message).toBe('HeyGen has no asset with ID "missing000000000000000000000003"');
	expect(error?.context.itemIndex).toBe(3);
});

it.each([
	['={{ 1 / 0 }}', 'Infinity'],
	['={{ Number("ten") }}', 'NaN'],
])(
	'Requests at Once %s is refused naming the value it had (%s), not "null"',
	async (value, shown) => {
		const error = await run(getItem({ options: { requestsAtOnce: value } }), [
			{ json: { id: standIn.assets[0].id } },
		]).then(
			() => undefined,
			(caught: unknown) => caught as NodeOperationError,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toContain('Requests at Once must be a whole number from 1 to 50');
		expect(error?.message).not.toMatch(/not null$/);
		expect(error?.message).toContain(shown);
		expect(standIn.requests).toHaveLength(0);
	},
);
