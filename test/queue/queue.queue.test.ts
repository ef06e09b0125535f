/**
 * The package in n8n's queue mode (scripts/lib/queue.js): Redis and PostgreSQL on loopback, one
 * n8n main that takes the webhooks and polls the trigger, two workers that execute, each with the
 * packed package in its own user folder. Executions are started through production webhooks on the
 * main; which worker ran each comes from the workers' own log lines, and each execution's status
 * from n8n's execution table. Run once with n8n's default binary store for queue mode (the
 * database) and once with a filesystem store shared by main and workers.
 */
import { createHash, randomBytes } from 'node:crypto';

import { importCredentials, importWorkflows, n8nCommand } from '../../scripts/lib/n8n';
import { executionsByWorker, startQueueCluster } from '../../scripts/lib/queue';
import { EXAMPLE_CREDENTIAL, exampleWorkflows } from '../../scripts/lib/demo-setup';
import {
	heyGenNode,
	triggerToSinkWorkflow,
	webhookNode,
	webhookWorkflow,
} from '../../scripts/lib/workflows';
import { ensureRuntime } from '../../scripts/n8n-runtime';
import { expectAuditSummary } from '../helpers/audit';
import { waitFor } from '../helpers/wait';
import { heyGenCredential, type StandIn } from '../e2e/fixture';
import { startStandIn } from '../stand-in/heygen-stand-in';
type Cluster = Awaited<ReturnType<typeof startQueueCluster>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are whatever n8n answered
type Item = Record<string, any>;

/** The examples' credential, so the audit example runs as shipped. */
const CREDENTIAL = EXAMPLE_CREDENTIAL;
const AT_ONCE = 20;
/** Each stand-in file; under 64 KiB, so its bytes are one fill of its asset ID (see the stand-in's file host). */
const FILE_BYTES = 40_000;
const DOWNLOAD_LIMIT = 8;
const SEED = { assets: { image: 40, audio: 30, video: 30 }, folders: 3, seed: 17 };
const TRIGGER_ID = 'queueTrigger0001';
/** n8n polls a trigger once a minute at most; a poll and its execution fit in this. */
const POLL_WAIT_MS = 80_000;

const AUDIT_ID = 'hgAssetAudit0001';
const WORKFLOW_IDS = {
	download: 'queueDownload001',
	getFile: 'queueGetFile0001',
	upload: 'queueUpload00001',
	delete: 'queueDelete00001',
};

/** The bytes the stand-in serves for an asset. */
function fileOf(id: string) {
	return Buffer.alloc(FILE_BYTES, `${id}\n`);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The audit example, started by a webhook instead of its schedule (Slack off, as in the e2e run). */
function auditOverWebhook() {
	const audit = exampleWorkflows().find((workflow) => workflow.id === AUDIT_ID);
	if (!audit) throw new Error('examples/heygen-asset-audit.json is missing');
	const schedule = audit.nodes.find((node: Item) => node.type === 'n8n-nodes-base.scheduleTrigger');
	const webhook = {
		...webhookNode(AUDIT_ID, 'audit', { responseData: 'firstEntryJson' }),
		position: schedule.position,
	};
	audit.nodes = [...audit.nodes.filter((node: Item) => node !== schedule), webhook];
	audit.connections[webhook.name] = audit.connections[schedule.name];
	delete audit.connections[schedule.name];
	return audit;
}

function workflows(standIn: StandIn) {
	const assetId = { __rl: true, mode: 'id', value: '={{ $json.body.id }}' };
	return [
		auditOverWebhook(),
		webhookWorkflow({
			id: WORKFLOW_IDS.download,
			path: 'download',
			nodes: [
				heyGenNode(
					'HeyGen',
					{ operation: 'getAll', limit: DOWNLOAD_LIMIT, download: true },
					CREDENTIAL,
				),
				{
					id: 'hash',
					name: 'Hash',
					type: 'n8n-nodes-base.crypto',
					typeVersion: 2,
					parameters: {
						action: 'hash',
						type: 'SHA256',
						binaryData: true,
						binaryPropertyName: 'data',
						dataPropertyName: 'sha256',
					},
				},
			],
		}),
		webhookWorkflow({
			id: WORKFLOW_IDS.getFile,
			path: 'get-file',
			responseData: 'firstEntryBinary',
			nodes: [heyGenNode('HeyGen', { operation: 'get', assetId, download: true }, CREDENTIAL)],
		}),
		webhookWorkflow({
			id: WORKFLOW_IDS.upload,
			path: 'upload',
			binaryBody: true,
			nodes: [heyGenNode('HeyGen', { operation: 'upload' }, CREDENTIAL)],
		}),
		webhookWorkflow({
			id: WORKFLOW_IDS.delete,
			path: 'delete',
			nodes: [heyGenNode('HeyGen', { operation: 'delete', assetId }, CREDENTIAL)],
		}),
		triggerToSinkWorkflow({
			id: TRIGGER_ID,
			name: 'HeyGen Trigger in queue mode',
			sinkUrl: `${standIn.url}/__sink`,
			credential: CREDENTIAL,
			typeVersion: 2,
			body: '={{ JSON.stringify({ id: $json.id }) }}',
		}),
	];
}

/** Starts a cluster with the credential and workflows imported and published. */
async function startCluster(standIn: StandIn, binaryDataMode?: 'filesystem') {
	return await startQueueCluster({
		runtime: await ensureRuntime(),
		binaryDataMode,
		beforeStart: async (main) => {
			await importCredentials(main, [heyGenCredential(standIn, CREDENTIAL)]);
			const list = workflows(standIn);
			await importWorkflows(main, list);
			const published = await Promise.all(
				list.map(({ id }) => n8nCommand(main, ['publish:workflow', `--id=${id}`])),
			);
			for (const result of published) expect(result.code).toBe(0);
		},
	});
}

async function call(
	cluster: Cluster,
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
) {
	const response = await fetch(`${cluster.url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: Buffer.isBuffer(body) ? body : JSON.stringify(body ?? {}),
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	return { status: response.status, bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

/** n8n's own record of every execution of the given workflows: id, workflow and status. */
function executionsOf(cluster: Cluster, workflowIds: string[]) {
	const list = workflowIds.map((id) => `'${id}'`).join(',');
	return cluster.postgres
		.query(
			`SELECT id, "workflowId", status FROM execution_entity WHERE "workflowId" IN (${list}) ORDER BY id`,
		)
		.map(([id, workflowId, status]) => ({ id, workflowId, status }));
}

function expectDownloads(items: Item[], standIn: StandIn) {
	const expected = standIn.assets.slice(0, DOWNLOAD_LIMIT);
	expect(items.map((item) => item.id)).toEqual(expected.map((asset) => asset.id));
	expect(items.map((item) => item.sha256)).toEqual(
		expected.map((asset) => sha256(fileOf(asset.id))),
	);
}

/** Waits until n8n has recorded every execution of these workflows as finished, and gives them. */
async function finishedExecutions(cluster: Cluster, workflowIds: string[], count: number) {
	return await waitFor(
		`${count} finished executions`,
		() => {
			const executions = executionsOf(cluster, workflowIds);
			const done = executions.filter((e) => !['new', 'running'].includes(e.status));
			return done.length >= count ? executions : undefined;
		},
		30_000,
	);
}

/** How many of the downloaded files n8n keeps in its database and in the shared folder. */
function storedFiles(cluster: Cluster) {
	const { inDatabase, onDisk } = cluster.storedFileSizes();
	const downloads = (sizes: number[]) => sizes.filter((size) => size === FILE_BYTES).length;
	return { inDatabase: downloads(inDatabase), onDisk: downloads(onDisk) };
}

/** Every execution ran on a worker (none on the main); gives how many each worker ran. */
function expectRunByWorkers(cluster: Cluster, executions: Array<{ id: string }>) {
	const ranBy = executionsByWorker(cluster.workers);
	const workers = executions.map((execution) => ranBy.get(execution.id));
	expect(workers).not.toContain(undefined);
	return cluster.workers.map(({ index }) => workers.filter((worker) => worker === index).length);
}

const MODES = [
	{ store: "n8n's default for queue mode, the database", binaryDataMode: undefined, trigger: true },
	{
		store: 'a filesystem folder shared by main and workers',
		binaryDataMode: 'filesystem' as const,
		trigger: false,
	},
];

describe.each(MODES)('queue mode, binary data in $store', ({ binaryDataMode, trigger }) => {
	let standIn: StandIn;
	let cluster: Cluster;

	beforeAll(async () => {
		standIn = await startStandIn({ ...SEED, fileSizeBytes: FILE_BYTES });
		cluster = await startCluster(standIn, binaryDataMode);
	}, 300_000);

	afterAll(async () => {
		await cluster?.stop();
		await standIn?.close();
	});

	if (trigger)
		it(
			'HeyGen Trigger: polled by the main, run by a worker; a worker killed mid-execution does not move its position',
			async () => {
				const polls = () => standIn.requestsTo('/v3/assets').length;
				await waitFor('the activation poll', () => (polls() > 0 ? true : undefined), 60_000);
				// The first new asset's delivery hangs at the sink, and its worker is killed meanwhile.
				standIn.addFault({ path: '/__sink', kind: 'slow', delayMs: 3 * POLL_WAIT_MS });
				const first = standIn.addAsset();
				await waitFor(
					'the first new asset at the sink',
					() => (standIn.requestsTo('/__sink').length > 0 ? true : undefined),
					POLL_WAIT_MS,
				);
				const [killed] = executionsOf(cluster, [TRIGGER_ID]);
				const victim = cluster.workers[executionsByWorker(cluster.workers).get(killed.id) ?? -1];
				expect(victim).toBeDefined();
				// What the main handed to n8n: the execution it created holds the asset. (Read now:
				// once n8n's stalled-job check gives the execution up, n8n replaces its data.)
				const handedOver = () =>
					cluster.postgres.query(
						`SELECT data FROM execution_data WHERE "executionId" = ${Number(killed.id)}`,
					)[0][0];
				expect(handedOver()).toContain(first.id);
				await victim.process?.stop('SIGKILL');
				const second = standIn.addAsset();
				await cluster.startWorker(victim);
				const delivered = () => standIn.sink.map((entry) => (entry as { id: string }).id);
				await waitFor(
					'the second new asset',
					() => (delivered().includes(second.id) ? true : undefined),
					POLL_WAIT_MS,
				);
				// One execution per poll with a new asset; nothing emitted again after the kill.
				expect(delivered()).toEqual([second.id]);
				// The sink has answered; n8n records the end of the execution a moment later.
				const executions = await waitFor(
					'the second execution to end',
					() => {
						const recorded = executionsOf(cluster, [TRIGGER_ID]);
						return ['new', 'running'].includes(recorded[1]?.status ?? 'new') ? undefined : recorded;
					},
					30_000,
				);
				expect(executions.map((execution) => execution.id)).toEqual([
					killed.id,
					expect.any(String),
				]);
				expect(executions[1].status).toBe('success');
				expectRunByWorkers(cluster, executions);
				// The killed execution is n8n's to report: either still with its asset (retryable from
				// the list), or, once Bull's stalled-job check has run, as n8n's "failed to be processed
				// too many times" with the data replaced. Which one depends on that check's timing.
				expect(executions[0].status).not.toBe('success');
				const data = handedOver();
				const givenUp = data.includes('failed to be processed too many times');
				if (!givenUp) expect(data).toContain(first.id);
				process.stderr.write(
					`queue mode: the killed trigger execution ${killed.id} is recorded as "${executions[0].status}"` +
						(givenUp ? ", given up by n8n's stalled-job check\n" : ', with its asset\n'),
				);
			},
			4 * 60_000,
		);

	it(`${AT_ONCE} audits and ${AT_ONCE} Get Many + Download Files at once: each one right, both workers took part`, async () => {
		const answers = await Promise.all([
			...Array.from({ length: AT_ONCE }, () => call(cluster, 'audit', {})),
			...Array.from({ length: AT_ONCE }, () => call(cluster, 'download', {})),
		]);
		for (const answer of answers.slice(0, AT_ONCE)) {
			expect(answer.status).toBe(200);
			expectAuditSummary(answer.json(), standIn);
		}
		for (const answer of answers.slice(AT_ONCE)) {
			expect(answer.status).toBe(200);
			expectDownloads(answer.json(), standIn);
		}
		const executions = await finishedExecutions(
			cluster,
			[AUDIT_ID, WORKFLOW_IDS.download],
			2 * AT_ONCE,
		);
		expect(executions.map((execution) => execution.status)).toEqual(
			Array(2 * AT_ONCE).fill('success'),
		);
		const perWorker = expectRunByWorkers(cluster, executions);
		expect(perWorker.every((count) => count > 0)).toBe(true);
		process.stderr.write(
			`queue mode: ${2 * AT_ONCE} executions, per worker: ${perWorker.join(' / ')}\n`,
		);
		// The files went where the mode says, and only there.
		const downloaded = AT_ONCE * DOWNLOAD_LIMIT;
		expect(storedFiles(cluster)).toEqual(
			binaryDataMode === 'filesystem'
				? { inDatabase: 0, onDisk: downloaded }
				: { inDatabase: downloaded, onDisk: 0 },
		);
	});

	it('Upload and Delete on the workers: each file arrives whole, each asset is deleted', async () => {
		const files = Array.from({ length: 6 }, (_, index) => ({
			name: `queue-${binaryDataMode ?? 'database'}-${index}.png`,
			bytes: randomBytes(30_000 + index * 1_000),
		}));
		const uploads = await Promise.all(
			files.map((file) =>
				call(cluster, 'upload', file.bytes, {
					'content-type': 'image/png',
					'content-disposition': `attachment; filename="${file.name}"`,
				}),
			),
		);
		const created = uploads.map((answer) => {
			expect(answer.status).toBe(200);
			return answer.json()[0] as Item;
		});
		for (const [index, file] of files.entries()) {
			const received = standIn.uploads.find((upload) => upload.fileName === file.name);
			expect(received?.sha256).toBe(sha256(file.bytes));
			expect(created[index].id).toBe(received?.assetId);
		}
		const deletes = await Promise.all(
			created.map((asset) => call(cluster, 'delete', { id: asset.id })),
		);
		for (const [index, answer] of deletes.entries())
			expect(answer.json()).toEqual([{ id: created[index].id, deleted: true }]);
		expect(standIn.deleted).toEqual(expect.arrayContaining(created.map((asset) => asset.id)));
		const executions = await finishedExecutions(
			cluster,
			[WORKFLOW_IDS.upload, WORKFLOW_IDS.delete],
			2 * files.length,
		);
		expect(executions.map((execution) => execution.status)).toEqual(
			Array(2 * files.length).fill('success'),
		);
		expectRunByWorkers(cluster, executions);
	});

	it('a file a worker downloaded is answered by the main, read from the binary store', async () => {
		const targets = standIn.assets.slice(3, 6);
		const answers = await Promise.all(
			targets.map((asset) => call(cluster, 'get-file', { id: asset.id })),
		);
		for (const [index, answer] of answers.entries()) {
			expect(answer.status).toBe(200);
			expect(sha256(answer.bytes)).toBe(sha256(fileOf(targets[index].id)));
		}
	});

	if (!trigger)
		it('a worker without the package fails what it takes, and n8n records that', async () => {
			for (const worker of cluster.workers) await worker.process?.stop();
			const bare = await cluster.addWorker({ withPackage: false });
			const answer = await call(cluster, 'download', {});
			expect(answer.status).not.toBe(200);
			const [last] = executionsOf(cluster, [WORKFLOW_IDS.download]).slice(-1);
			expect(last.status).toBe('error');
			expect(executionsByWorker(cluster.workers).get(last.id)).toBe(bare.index);
			expect(bare.lines.join('\n')).toMatch(/Unrecognized node type: n8n-nodes-heygen\.heyGen/);
			process.stderr.write(
				`queue mode, worker without the package answers ${answer.status}: ${answer.bytes.toString('utf8').slice(0, 200)}\n`,
			);
		});
});
