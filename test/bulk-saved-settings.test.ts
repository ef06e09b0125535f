/**
 * A workflow saved before Requests at Once, with the Parallel Downloads it was given —
 * the project's own example among them — keeps that pace ("folded into" the one knob, not dropped);
 * and a saved Requests at Once, even at the field's default, stays a bound once the default pace is
 * automatic (n8n saves what is set in a collection, default or not).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type INodeParameters, NodeHelpers } from 'n8n-workflow';

import { REQUESTS_AT_ONCE } from '../nodes/HeyGen/execution/run';
import { HeyGen } from '../nodes/HeyGen/HeyGen.node';

import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 60, folders: 2, seed: 31 });
});
afterAll(async () => {
	await standIn.close();
});

it('the backup example (Requests at Once 4, once Parallel Downloads 4) still downloads at most 4 files at once', async () => {
	const workflow = JSON.parse(
		readFileSync(join(__dirname, '..', 'examples', 'heygen-backup-to-disk.json'), 'utf8'),
	) as { nodes: Array<{ type: string; typeVersion: number; parameters: INodeParameters }> };
	const node = workflow.nodes.find(
		(candidate) =>
			candidate.type === 'n8n-nodes-heygen.heyGen' && candidate.parameters.download === true,
	);
	expect(node?.parameters.options).toEqual({ requestsAtOnce: 4 });
	standIn.set({ latencyMs: 30 });
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: node?.parameters ?? {},
		nodeVersion: node?.typeVersion,
		continueOnFail: true,
	});
	expect(output[0]).toHaveLength(60);
	expect(standIn.fileStats.maxInFlight).toBeGreaterThan(1);
	expect(standIn.fileStats.maxInFlight).toBeLessThanOrEqual(4);
});

describe('Requests at Once as n8n saves it: a number set is a bound, no number is automatic', () => {
	const properties = new HeyGen().description.properties;
	/** What n8n writes into a saved workflow for these parameters (defaults left out). */
	const saved = (parameters: INodeParameters) =>
		NodeHelpers.getNodeParameters(properties, parameters, false, false, null, null);
	const get = {
		resource: 'asset',
		operation: 'get',
		assetId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
	};

	it(`a Requests at Once set to the field's own default (${REQUESTS_AT_ONCE.default}) is saved, so it stays the user's bound`, () => {
		expect(
			saved({ ...get, options: { requestsAtOnce: REQUESTS_AT_ONCE.default } })?.options,
		).toEqual({
			requestsAtOnce: REQUESTS_AT_ONCE.default,
		});
		expect(saved({ ...get, options: {} })?.options).toEqual({});
	});

	it(`a workflow saved with Requests at Once ${REQUESTS_AT_ONCE.default} never has more in flight, where the automatic pace goes past it`, async () => {
		const ids = standIn.assets.slice(0, 60).map((asset) => asset.id);
		standIn.set({ latencyMs: 30 });
		const runGet = async (parameters: INodeParameters) => {
			standIn.reset();
			standIn.set({ latencyMs: 30 });
			await runHeyGenNode({
				credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
				parameters: saved(parameters) ?? {},
				input: ids.map((id) => ({ json: { id } })),
				nodeVersion: 2,
			});
			return standIn.apiStats.maxInFlight;
		};
		expect(await runGet({ ...get, options: { requestsAtOnce: REQUESTS_AT_ONCE.default } })).toBe(
			REQUESTS_AT_ONCE.default,
		);
		expect(await runGet({ ...get, options: {} })).toBeGreaterThan(REQUESTS_AT_ONCE.default);
	});
});
