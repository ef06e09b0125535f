/**
 * The HeyGen Trigger across a crash of n8n: an active workflow (HeyGen Trigger → HTTP Request into
 * the stand-in's sink) under `n8n start`, polled every minute (n8n's shortest; it also polls at
 * activation and at start-up), on v1 and on v3 (node version 2's default), with assets added before the first scheduled poll, while n8n is down
 * after a SIGKILL, and after its restart. Run with n8n's defaults and with its durable poll cursors;
 * prints what was delivered.
 */
import { n8nCommand, startServer } from '../../scripts/lib/n8n';
import { triggerToSinkWorkflow } from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import { type StandIn, startHeyGenN8n } from './fixture';

const CREDENTIAL = { id: 'heygenRestart001', name: 'HeyGen' };
type Server = Awaited<ReturnType<typeof startServer>>;

const WORKFLOW_ID = 'e2eTrigRestart01';
/** n8n's durable poll cursors and the flags that feature needs (n8n 2.41). */
const DURABLE_CURSORS = {
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
};

type ApiVersion = 'v1' | 'v3';
const LIST: Record<ApiVersion, string> = { v1: '/v1/asset/list', v3: '/v3/assets' };

function triggerWorkflow(standIn: StandIn, apiVersion: ApiVersion) {
	return triggerToSinkWorkflow({
		id: WORKFLOW_ID,
		name: 'HeyGen trigger across a restart',
		sinkUrl: `${standIn.url}/__sink`,
		credential: CREDENTIAL,
		typeVersion: 2,
		parameters: { apiVersion },
		body: '={{ JSON.stringify({ id: $json.id }) }}',
	});
}

interface Outcome {
	mode: string;
	added: number;
	delivered: number;
	lost: string[];
	twice: string[];
	earlyDelivered: boolean;
}

const outcomes: Outcome[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run: activation, assets added before the first scheduled poll and all along, a SIGKILL, a restart. */
async function crashRun(
	mode: string,
	env: Record<string, string>,
	apiVersion: ApiVersion,
): Promise<Outcome> {
	const e2e = await startHeyGenN8n({
		account: { assets: 40, folders: 1, seed: 23 },
		credentials: [CREDENTIAL],
		n8n: { env },
		workflows: (started) => [triggerWorkflow(started, apiVersion)],
	});
	const { standIn, n8n } = e2e;
	let server: Server | undefined;
	const log: string[] = [];
	try {
		expect((await n8nCommand(n8n, ['publish:workflow', `--id=${WORKFLOW_ID}`])).code).toBe(0);
		server = await startServer(n8n, { onLog: (line) => log.push(line) });
		// The position the trigger takes at activation; then an asset before the first scheduled poll.
		const listRequests = () => standIn.requestsTo(LIST[apiVersion]).length;
		await waitFor('the activation poll', () => (listRequests() > 0 ? true : undefined), 60_000);
		const early = standIn.addAsset();
		const added = [early];
		const delivered = () => new Set(standIn.sink.map((entry) => (entry as { id: string }).id));
		await waitFor(
			'the first scheduled poll',
			() => (listRequests() > 1 ? true : undefined),
			70_000,
		);
		await waitFor(
			'the early asset',
			() => (delivered().has(early.id) ? true : undefined),
			15_000,
		).catch(() => undefined);
		// Assets all along: before the crash, while n8n is down, after its restart.
		const add = () => added.push(standIn.addAsset());
		let adding = setInterval(add, 1_000);
		await sleep(5_000);
		server.child.kill('SIGKILL');
		await new Promise((resolve) => server?.child.once('exit', resolve));
		await sleep(3_000);
		clearInterval(adding);
		server = await startServer(n8n, { onLog: (line) => log.push(line) });
		adding = setInterval(add, 1_000);
		await sleep(3_000);
		clearInterval(adding);
		// Up to two of n8n's minute polls for the rest.
		await waitFor(
			'every asset delivered',
			() => (added.every((asset) => delivered().has(asset.id)) ? true : undefined),
			130_000,
		).catch(() => undefined);
		await sleep(3_000);
		const counts = new Map<string, number>();
		for (const entry of standIn.sink)
			counts.set((entry as { id: string }).id, (counts.get((entry as { id: string }).id) ?? 0) + 1);
		return {
			mode,
			added: added.length,
			delivered: standIn.sink.length,
			lost: added.filter((asset) => !counts.has(asset.id)).map((asset) => asset.id),
			twice: [...counts].filter(([, count]) => count > 1).map(([id]) => id),
			earlyDelivered: counts.has(early.id),
		};
	} catch (error) {
		process.stderr.write(
			`n8n's log (${mode}):\n${log
				.filter((line) => !/Python|task broker|runner/i.test(line))
				.slice(-40)
				.join('\n')}\n`,
		);
		throw error;
	} finally {
		await server?.stop();
		await e2e.close();
	}
}

afterAll(() => {
	const rows = outcomes.map(
		(o) =>
			`${o.mode.padEnd(24)} added ${o.added}, delivered ${o.delivered}, lost ${o.lost.length}, twice ${o.twice.length}, uploaded before the first scheduled poll: ${o.earlyDelivered ? 'delivered' : 'NOT delivered'}`,
	);
	process.stderr.write(`\nHeyGen Trigger across a SIGKILL of n8n:\n${rows.join('\n')}\n`);
});

describe.each(['v1', 'v3'] as const)('on %s', (apiVersion) => {
	it(
		"with n8n's durable poll cursors: every asset exactly once across the crash",
		async () => {
			const outcome = await crashRun(
				`${apiVersion}, durable poll cursors`,
				DURABLE_CURSORS,
				apiVersion,
			);
			outcomes.push(outcome);
			expect(outcome.lost).toEqual([]);
			expect(outcome.twice).toEqual([]);
		},
		4 * 60 * 1000,
	);

	it(
		"with n8n's defaults: nothing lost across the crash (n8n may deliver some twice)",
		async () => {
			const outcome = await crashRun(`${apiVersion}, n8n's defaults`, {}, apiVersion);
			outcomes.push(outcome);
			expect(outcome.lost).toEqual([]);
		},
		4 * 60 * 1000,
	);
});

describe('a version-1 trigger when HeyGen retires v1 under it', () => {
	it(
		"with n8n's durable poll cursors: goes on through v3, every later asset once, nothing earlier",
		async () => {
			const e2e = await startHeyGenN8n({
				account: { assets: 40, folders: 1, seed: 29 },
				credentials: [CREDENTIAL],
				n8n: { env: DURABLE_CURSORS },
				workflows: (started) => [
					triggerToSinkWorkflow({
						id: WORKFLOW_ID,
						name: 'HeyGen trigger saved with node version 1',
						sinkUrl: `${started.url}/__sink`,
						credential: CREDENTIAL,
						typeVersion: 1,
						parameters: {},
						body: '={{ JSON.stringify({ id: $json.id }) }}',
					}),
				],
			});
			const { standIn, n8n } = e2e;
			let server: Server | undefined;
			const log: string[] = [];
			try {
				expect((await n8nCommand(n8n, ['publish:workflow', `--id=${WORKFLOW_ID}`])).code).toBe(0);
				server = await startServer(n8n, { onLog: (line) => log.push(line) });
				const polls = (path: string) => standIn.requestsTo(path).length;
				await waitFor('the activation poll', () => (polls(LIST.v1) > 0 ? true : undefined), 60_000);
				const delivered = () => standIn.sink.map((entry) => (entry as { id: string }).id);
				const onV1 = standIn.addAsset();
				await waitFor(
					'the asset uploaded while v1 answers',
					() => (delivered().includes(onV1.id) ? true : undefined),
					80_000,
				);
				standIn.retireV1();
				const later = [standIn.addAsset(), standIn.addAsset()];
				await waitFor(
					'the assets uploaded after the retirement',
					() => (later.every((asset) => delivered().includes(asset.id)) ? true : undefined),
					80_000,
				);
				await sleep(3_000);
				expect(delivered()).toEqual([onV1.id, ...later.map((asset) => asset.id)]);
				expect(polls(LIST.v3)).toBeGreaterThan(0);
				expect(log.some((line) => line.includes('HeyGen has retired its v1 API'))).toBe(true);
			} catch (error) {
				process.stderr.write(`n8n's log:\n${log.slice(-40).join('\n')}\n`);
				throw error;
			} finally {
				await server?.stop();
				await e2e.close();
			}
		},
		4 * 60 * 1000,
	);
});
