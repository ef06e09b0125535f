// @ts-check
/**
 * `npm run bench:queue`: a worker's memory in n8n's queue mode against the file size, for each
 * binary data store: n8n's default for queue mode (the database) and a filesystem folder shared by
 * main and workers. Per file: one download (HeyGen → Get with Download File) and one upload (Read
 * Files from Disk → HeyGen → Upload), each started through a webhook on the main and run by the
 * one worker, restarted before each run so its peak belongs to that run. Writes
 * bench-results/queue.md; asserts only that each file arrived whole.
 *
 *   --sizes 64,512   file sizes in MiB (default 64,512)
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { arg } = require('./lib/args');
const {
	PROJECT_ROOT,
	freePort,
	importCredentials,
	importWorkflows,
	n8nCommand,
	watchPeakRss,
} = require('./lib/n8n');
const { MiB, writeFileOfMiB } = require('./lib/files');
const { heyGenCredential } = require('./lib/heygen-n8n');
const { startQueueCluster } = require('./lib/queue');
const { heyGenNode, readFilesNode, webhookWorkflow } = require('./lib/workflows');
const { writeReport } = require('./lib/bench-report');
const { ensureRuntime } = require('./n8n-runtime');
const { startStandIn } = require('../test/stand-in/heygen-stand-in');

const CREDENTIAL = { id: 'benchQueueCred01', name: 'HeyGen' };
const MODES = /** @type {const} */ (['database', 'filesystem']);
/** HeyGen's multipart limit, as the built node has it: above it, the direct upload. */
const { MULTIPART_MAX_BYTES } = require(
	path.join(PROJECT_ROOT, 'dist', 'nodes', 'HeyGen', 'transport', 'upload.js'),
);
/** How long one run may take: the database store moves the whole file several times. */
const RUN_TIMEOUT_MS = 15 * 60_000;

/** @param {string} filesDir */
function workflows(filesDir) {
	return [
		webhookWorkflow({
			id: 'benchQueueDown01',
			path: 'download',
			nodes: [
				heyGenNode(
					'HeyGen',
					{
						operation: 'get',
						assetId: { __rl: true, mode: 'id', value: '={{ $json.body.id }}' },
						download: true,
					},
					CREDENTIAL,
				),
			],
		}),
		webhookWorkflow({
			id: 'benchQueueUp0001',
			path: 'upload',
			nodes: [
				readFilesNode('Read', `={{ ${JSON.stringify(filesDir)} + '/' + $json.body.file }}`),
				heyGenNode('HeyGen', { operation: 'upload' }, CREDENTIAL),
			],
		}),
	];
}

/** @param {number} pid */
function memoryNow(pid) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kB = (/** @type {string} */ field) =>
		Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
	return { rss: kB('VmRSS'), peak: kB('VmHWM') };
}

/**
 * One run on a freshly started worker: its memory at rest, its peak during the run, the time.
 * @param {Awaited<ReturnType<typeof startQueueCluster>>} cluster @param {string} webhookPath @param {unknown} body
 */
async function measureRun(cluster, webhookPath, body) {
	const [worker] = cluster.workers;
	await worker.process?.stop();
	await cluster.startWorker(worker);
	const pid = worker.process?.child.pid ?? 0;
	await new Promise((resolve) => setTimeout(resolve, 2000));
	const { rss: atRest, peak: startUpPeak } = memoryNow(pid);
	const watcher = watchPeakRss(pid);
	const started = Date.now();
	const response = await fetch(`${cluster.url}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
	});
	const text = await response.text();
	const ms = Date.now() - started;
	const peak = watcher.stop();
	if (response.status !== 200) {
		const [last] = cluster.postgres.query('SELECT max(id) FROM execution_entity')[0];
		const error = cluster.executionError(last) ?? text.slice(0, 300);
		return { atRest, startUpPeak, peak, ms, error };
	}
	return { atRest, startUpPeak, peak, ms, error: undefined };
}

/**
 * @param {{ node: string, n8n: string }} runtime @param {typeof MODES[number]} mode @param {number[]} sizes
 */
async function measureMode(runtime, mode, sizes) {
	const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-bench-queue-'));
	const standInPort = await freePort();
	const apiKey = 'bench-queue-key';
	let standIn = await startStandIn({ assets: 1, folders: 0, port: standInPort, apiKey });
	const cluster = await startQueueCluster({
		runtime,
		workers: 1,
		binaryDataMode: mode === 'database' ? undefined : mode,
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
		beforeStart: async (main) => {
			await importCredentials(main, [heyGenCredential(standIn, CREDENTIAL)]);
			const list = workflows(filesDir);
			await importWorkflows(main, list);
			for (const { id } of list)
				if ((await n8nCommand(main, ['publish:workflow', `--id=${id}`])).code !== 0)
					throw new Error(`could not publish ${id}`);
		},
	});
	/** @type {Row[]} */
	const rows = [];
	try {
		for (const size of sizes) {
			await standIn.close();
			standIn = await startStandIn({
				assets: 1,
				folders: 0,
				port: standInPort,
				apiKey,
				fileSizeBytes: size * MiB,
			});
			const download = await measureRun(cluster, 'download', { id: standIn.assets[0].id });
			const stored = cluster.storedFileSizes();
			if (!download.error && ![...stored.inDatabase, ...stored.onDisk].includes(size * MiB))
				throw new Error(`the ${size} MiB download is not in n8n's ${mode} store whole`);
			rows.push({ mode, size, operation: 'download', ...download });
			const file = writeFileOfMiB(path.join(filesDir, `clip-${size}.mp4`), size);
			const upload = await measureRun(cluster, 'upload', { file: path.basename(file) });
			fs.rmSync(file);
			const received = standIn.uploads.at(-1);
			if (!upload.error && received?.size !== size * MiB)
				throw new Error(`the stand-in received ${received?.size} bytes, not ${size * MiB}`);
			const via = size * MiB > MULTIPART_MAX_BYTES ? 'direct' : 'multipart';
			rows.push({ mode, size, operation: `upload (${via})`, ...upload });
			for (const row of rows.slice(-2)) print(row);
		}
	} finally {
		await cluster.stop();
		await standIn.close();
		fs.rmSync(filesDir, { recursive: true, force: true });
	}
	return rows;
}

const mib = (/** @type {number} */ bytes) => `${(bytes / MiB).toFixed(0)} MiB`;

/** @typedef {{ mode: string, size: number, operation: string, atRest: number, startUpPeak: number, peak: number, ms: number, error: string | undefined }} Row */

/** @param {Row} row */
function cells(row) {
	return [
		row.mode,
		`${row.size} MiB`,
		row.operation,
		mib(row.atRest),
		mib(row.startUpPeak),
		mib(row.peak),
		`${(row.ms / 1000).toFixed(1)} s${row.error ? ', failed' : ''}`,
	];
}

/** @param {Parameters<typeof cells>[0]} row */
function print(row) {
	if (row.error) console.log(`  ${row.operation} failed: ${row.error}`);
	console.log(
		cells(row)
			.map((cell, index) => (index < 3 ? cell.padEnd(18) : cell.padStart(9)))
			.join(' '),
	);
}

/**
 * Which store to choose, from the figures: what a run adds to a worker in each store.
 * @param {Row[]} rows
 */
function advice(rows) {
	const added = (/** @type {Row[]} */ some) =>
		some.filter((row) => !row.error).map((row) => Math.round((row.peak - row.atRest) / MiB));
	const filesystem = added(rows.filter((row) => row.mode === 'filesystem'));
	const database = rows
		.filter((row) => row.mode === 'database')
		.map(
			(row) =>
				`${row.size} MiB ${row.operation.split(' ')[0]}: ${row.error ? 'failed' : `+${Math.round((row.peak - row.atRest) / MiB)} MiB`}`,
		);
	return [
		'## Which store to choose',
		'',
		`With the filesystem store a run adds ${Math.min(...filesystem)}–${Math.max(...filesystem)} MiB to the worker, whatever the file size: files stream between disk and HeyGen. With the database store it grows with the file (${database.join(', ')}): n8n holds the whole file in memory and moves it through PostgreSQL, and a file of 512 MiB cannot be read back at all.`,
		'',
		"**For HeyGen's videos in queue mode, set `N8N_DEFAULT_BINARY_DATA_MODE=filesystem` with one `N8N_BINARY_DATA_STORAGE_PATH` shared by the main and every worker (or use `s3`).** The database store, n8n's default in queue mode, suits small files only.",
		'',
	];
}

async function main() {
	const runtime = await ensureRuntime();
	const sizes = arg('sizes', '64,512').split(',').map(Number);
	console.log(
		`A worker's memory in n8n ${runtime.n8nVersion} queue mode, against the stand-in on loopback.\n`,
	);
	console.log(
		'store              file               operation             at rest  start-up      peak      run',
	);
	const rows = [];
	for (const mode of MODES) rows.push(...(await measureMode(runtime, mode, sizes)));
	const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`;
	writeReport('queue', [
		"# Queue mode: a worker's memory",
		'',
		`Written by \`npm run bench:queue\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}. n8n ${runtime.n8nVersion} in queue mode (main + one worker, Redis and PostgreSQL on loopback), the stand-in on loopback.`,
		'',
		'Each run is started through a webhook on the main and executed by the worker, restarted before each run: *at rest* is its resident memory just before, *start-up* its highest resident memory (VmHWM) until then, *peak* its highest by the end of the run: where peak equals start-up, the run itself stayed below. Download: HeyGen → Get with Download File. Upload: Read Files from Disk → HeyGen → Upload (above 32 MB through the direct upload, which reads the file twice: once for its SHA-256, once to send it). The run time is from the webhook call to its answer.',
		'',
		'| Binary data store | File | Operation | At rest | Start-up | Peak | Run |',
		'| :--- | ---: | :--- | ---: | ---: | ---: | ---: |',
		...rows.map((row) => `| ${cells(row).join(' | ')} |`),
		'',
		...rows
			.filter((row) => row.error)
			.map((row) => `- ${row.mode}, ${row.size} MiB, ${row.operation} failed: ${row.error}`),
		'',
		...advice(rows),
	]);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
