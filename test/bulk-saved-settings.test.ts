/**
 * A workflow saved before Requests at Once, with the Parallel Downloads it was given —
 * the project's own example among them — keeps that pace ("folded into" the one knob, not dropped).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

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
