/**
 * Videos in the real n8n against the stand-in: Get Many (every video once, 2 requests for 130),
 * downloads through presigned URLs that expire while the batch runs, Delete; and the HeyGen
 * Trigger's Video Completed under `n8n start` with n8n's durable poll cursors across a SIGKILL: no
 * flood at activation, every render finishing later once, a failed render never.
 */
import {
	executeWorkflow,
	n8nCommand,
	nodeItems,
	runError,
	startServer,
} from '../../scripts/lib/n8n';
import { heyGenWorkflow, triggerToSinkWorkflow } from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import {
	type HeyGenN8n,
	type N8n,
	type StandIn,
	SET_UP_TIMEOUT_MS,
	startHeyGenN8n,
} from './fixture';

const CREDENTIAL = { id: 'heygenVideos0001', name: 'HeyGen' };
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the Video resource, headless', () => {
	let e2e: HeyGenN8n | undefined;
	let standIn: StandIn;
	let n8n: N8n;
	const video = (id: string, parameters: Record<string, unknown>) =>
		heyGenWorkflow(id, { resource: 'video', ...parameters }, CREDENTIAL, 2);

	beforeAll(async () => {
		e2e = await startHeyGenN8n({
			account: { assets: 3, folders: 2, videos: 130, seed: 41 },
			credentials: [CREDENTIAL],
			workflows: (started) => workflows(started),
		});
		({ standIn, n8n } = e2e);
	}, SET_UP_TIMEOUT_MS);

	function workflows(started: StandIn) {
		const completed = started.videos.filter((video) => video.status === 'completed');
		return [
			video('e2eVideoAll00001', { operation: 'getAll', returnAll: true }),
			video('e2eVideoFiles001', {
				operation: 'getAll',
				limit: 12,
				filters: { status: 'completed' },
				download: true,
				options: { requestsAtOnce: 2 },
			}),
			video('e2eVideoDelete01', { operation: 'delete', videoId: byId(completed[5].id) }),
		];
	}

	afterAll(async () => {
		await e2e?.close();
	});

	beforeEach(() => standIn.reset());

	it('Get Many with Return All: every video once, in HeyGen’s order, in 2 requests', async () => {
		const result = await executeWorkflow(n8n, 'e2eVideoAll00001');
		expect({ status: result.run.status, error: runError(result.run)?.message }).toEqual({
			status: 'success',
		});
		expect(nodeItems(result.run, 'HeyGen').map((video) => video.id)).toEqual(
			standIn.videos.map((video) => video.id),
		);
		expect(standIn.requestsTo('/v3/videos')).toHaveLength(2);
	});

	it('downloads arrive whole though each URL expires before the batch is done: expired ones are asked for afresh', async () => {
		// Each 150 kB file takes 1 s over this link and two move at once, so the fourth pair starts at
		// least 3 s after the list signed its URLs: past their 2.5 s, however fast the machine is.
		standIn.set({ videoUrlTtlMs: 2500, linkBytesPerSecond: 150_000 });
		const result = await executeWorkflow(n8n, 'e2eVideoFiles001');
		expect({ status: result.run.status, error: runError(result.run)?.message }).toEqual({
			status: 'success',
		});
		expect(nodeItems(result.run, 'HeyGen')).toHaveLength(12);
		const refusals = standIn.videoFileRefusals;
		expect(refusals.filter((refusal) => refusal.reason === 'expired').length).toBeGreaterThan(0);
		expect(refusals.filter((refusal) => refusal.reason === 'apiKey')).toEqual([]);
		const fresh = standIn.requests.filter((request) =>
			/^\/v3\/videos\/[0-9a-f]+$/.test(request.path),
		);
		expect(fresh.length).toBeGreaterThan(0);
		const files = standIn.requests.filter((request) => request.path.startsWith('/video-files/'));
		expect(files.every((request) => request.apiKey === undefined)).toBe(true);
	});

	it('Delete removes the video for good', async () => {
		const target = standIn.videos.filter((video) => video.status === 'completed')[5];
		const result = await executeWorkflow(n8n, 'e2eVideoDelete01');
		expect(nodeItems(result.run, 'HeyGen')).toEqual([{ id: target.id, deleted: true }]);
		expect(standIn.deletedVideos).toContain(target.id);
	});
});

describe('Video Completed under n8n start, across a SIGKILL', () => {
	it(
		"with n8n's durable poll cursors: no flood, every render finishing later once, failed ones never",
		async () => {
			const newestTs = Math.floor(Date.now() / 1000) - 600;
			const id = 'e2eVideoDone0001';
			const e2e = await startHeyGenN8n({
				account: { assets: 3, folders: 1, videos: 40, seed: 43, newestTs },
				credentials: [CREDENTIAL],
				n8n: {
					env: {
						N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
						N8N_SCHEDULER_ENABLED: 'true',
						N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
						N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
					},
				},
				workflows: (started) => [
					triggerToSinkWorkflow({
						id,
						name: 'Video Completed to the sink',
						sinkUrl: `${started.url}/__sink`,
						credential: CREDENTIAL,
						typeVersion: 2,
						parameters: { event: 'videoCompleted', filters: undefined },
						body: '={{ JSON.stringify({ id: $json.id, status: $json.status }) }}',
					}),
				],
			});
			const { standIn, n8n } = e2e;
			const log: string[] = [];
			let server: Awaited<ReturnType<typeof startServer>> | undefined;
			try {
				expect((await n8nCommand(n8n, ['publish:workflow', `--id=${id}`])).code).toBe(0);
				const running = standIn.videos.filter(
					(video) => video.status !== 'completed' && video.status !== 'failed',
				);
				expect(running.length).toBeGreaterThan(0);
				server = await startServer(n8n, { onLog: (line) => log.push(line) });
				const lists = () => standIn.requestsTo('/v3/videos').length;
				await waitFor('the activation poll', () => (lists() > 0 ? true : undefined), 60_000);
				const delivered = () => standIn.sink.map((entry) => (entry as { id: string }).id);
				// A render running at activation finishes, and a new one starts and finishes.
				standIn.finishVideo(running[0].id, 'completed');
				const quick = standIn.addVideo({ status: 'completed' });
				const failed = standIn.addVideo();
				standIn.finishVideo(failed.id, 'failed');
				const expected = [running[0].id, quick.id];
				await waitFor(
					'the first two renders',
					() => (expected.every((video) => delivered().includes(video)) ? true : undefined),
					90_000,
				);
				// A crash; renders finish while n8n is down, and after it is back.
				server.child.kill('SIGKILL');
				await new Promise((resolve) => server?.child.once('exit', resolve));
				const whileDown = standIn.addVideo({ status: 'completed' });
				if (running[1]) standIn.finishVideo(running[1].id, 'completed');
				server = await startServer(n8n, { onLog: (line) => log.push(line) });
				const after = standIn.addVideo({ status: 'completed' });
				expected.push(whileDown.id, after.id, ...(running[1] ? [running[1].id] : []));
				await waitFor(
					'every render that finished',
					() => (expected.every((video) => delivered().includes(video)) ? true : undefined),
					150_000,
				);
				await sleep(3_000);
				const counts = new Map<string, number>();
				for (const video of delivered()) counts.set(video, (counts.get(video) ?? 0) + 1);
				expect([...counts.keys()].sort()).toEqual([...expected].sort());
				expect([...counts.values()].every((count) => count === 1)).toBe(true);
				expect(counts.has(failed.id)).toBe(false);
			} catch (error) {
				process.stderr.write(`n8n's log:\n${log.slice(-40).join('\n')}\n`);
				throw error;
			} finally {
				await server?.stop();
				await e2e.close();
			}
		},
		6 * 60 * 1000,
	);
});
