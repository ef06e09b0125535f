/**
 * A bulk job in the real n8n: the clean-up example deleting a few hundred assets, its items
 * concurrently (Options → Requests at Once not set: the automatic pace), on an unlimited account and
 * on one that answers 429 above 3 requests in flight. Prints the Delete node's time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { executeWorkflow, nodeItems } from '../../scripts/lib/n8n';
import { REQUESTS_AT_ONCE } from '../../nodes/HeyGen/execution/run';
import {
	type HeyGenN8n,
	type N8n,
	type StandIn,
	SET_UP_TIMEOUT_MS,
	startHeyGenN8n,
} from './fixture';

const CLEAN_UP = join(__dirname, '..', '..', 'examples', 'heygen-clean-up-old-assets.json');
const WORKFLOW_ID = 'hgCleanUpBulk001';
const ACCOUNT = { assets: { video: 300, image: 40 }, folders: 1, seed: 41 };
let e2e: HeyGenN8n | undefined;
let standIn: StandIn;
let n8n: N8n;
const timings: string[] = [];

/** The clean-up example, live (dry run off), for every video older than a day. */
function liveCleanUp() {
	const workflow = JSON.parse(readFileSync(CLEAN_UP, 'utf8'));
	const settings = workflow.nodes.find((node: { name: string }) => node.name === 'Settings');
	for (const assignment of settings.parameters.assignments.assignments) {
		if (assignment.name === 'dryRun') assignment.value = false;
		if (assignment.name === 'olderThanDays') assignment.value = 1;
	}
	return { ...workflow, id: WORKFLOW_ID, name: 'Clean-up, live, bulk' };
}

beforeAll(async () => {
	e2e = await startHeyGenN8n({
		account: { ...ACCOUNT, latencyMs: 20 },
		credentials: [{ id: 'heygenDemoCred01', name: 'HeyGen account' }],
		workflows: () => [liveCleanUp()],
	});
	({ standIn, n8n } = e2e);
}, SET_UP_TIMEOUT_MS);

afterAll(async () => {
	process.stderr.write(`\nClean-up of 300 videos in the real n8n:\n${timings.join('\n')}\n`);
	await e2e?.close();
});

beforeEach(() => {
	standIn.reset();
	standIn.reseed({ ...ACCOUNT });
});

it.each([
	['an unlimited account', undefined],
	['an account that answers 429 above 3 requests in flight', 3],
])(
	'the clean-up example deletes 300 videos concurrently on %s: each once, in order, none failed',
	async (label, maxInFlight) => {
		const videos = standIn.assets.filter((asset) => asset.file_type === 'video');
		expect(videos).toHaveLength(300);
		standIn.set({ latencyMs: 20, maxInFlight });
		const result = await executeWorkflow(n8n, WORKFLOW_ID);
		expect(result.run.status).toBe('success');
		expect(nodeItems(result.run, 'Delete the asset')).toEqual(
			videos.map((asset) => ({ id: asset.id, deleted: true })),
		);
		expect([...standIn.deleted].sort()).toEqual(videos.map((asset) => asset.id).sort());
		expect(standIn.assets.every((asset) => asset.file_type === 'image')).toBe(true);
		const deletes = standIn.requests.filter((request) => request.method === 'DELETE');
		expect(deletes.filter((request) => request.status === 200)).toHaveLength(300);
		if (maxInFlight === undefined) {
			// Past the pace the node once had, never past the automatic maximum.
			expect(standIn.apiStats.maxInFlight).toBeGreaterThan(REQUESTS_AT_ONCE.default);
			expect(standIn.apiStats.maxInFlight).toBeLessThanOrEqual(REQUESTS_AT_ONCE.max);
		} else {
			expect(standIn.apiStats.maxInFlight).toBeLessThanOrEqual(maxInFlight);
			expect(standIn.apiStats.rateLimited).toBeGreaterThan(0);
		}
		const ms = result.run.data.resultData.runData['Delete the asset'][0].executionTime;
		timings.push(
			`  ${label}: ${ms} ms (one after another it would take at least ${300 * 20} ms), at most ${standIn.apiStats.maxInFlight} at once, ${standIn.apiStats.rateLimited} 429s`,
		);
	},
);
