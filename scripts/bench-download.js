// @ts-check
/**
 * `npm run bench:download`: Download Files in a real n8n, against the stand-in: n8n's peak RSS
 * against the file size (filesystem binary mode: memory must not grow with the file), and files
 * per second at Requests at Once 1 and 4 (the download concurrency folded into it). Prints figures; asserts nothing.
 *
 *   --sizes 1,64,512   file sizes in MiB (default 1,64,512)
 *   --files 40         files for the throughput run (default 40, 1 MiB each, 20 ms latency)
 */
'use strict';

const os = require('node:os');

const { arg } = require('./lib/args');
const { writeReport } = require('./lib/bench-report');
const { ensureRuntime } = require('./n8n-runtime');
const { withHeyGenN8n } = require('./lib/heygen-n8n');
const { executeWorkflow, nodeItems, watchPeakRss } = require('./lib/n8n');
const { heyGenWorkflow } = require('./lib/workflows');

const MiB = 1024 * 1024;

const CREDENTIAL = { id: 'benchHeyGenCred1', name: 'HeyGen' };

/**
 * One n8n run against a fresh stand-in.
 * @param {{ assets: number, fileSizeBytes: number, latencyMs: number, parameters: Record<string, unknown> }} setup
 */
async function measure(setup) {
	const options = {
		account: {
			assets: { image: setup.assets },
			folders: 0,
			seed: 3,
			fileSizeBytes: setup.fileSizeBytes,
			latencyMs: setup.latencyMs,
		},
		credentials: [CREDENTIAL],
		n8n: { env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } },
		workflows: () => [
			heyGenWorkflow('benchDownload001', { download: true, ...setup.parameters }, CREDENTIAL),
		],
	};
	return await withHeyGenN8n(options, async ({ standIn, n8n }) => {
		/** @type {{ stop: () => number } | undefined} */
		let watcher;
		const result = await executeWorkflow(n8n, 'benchDownload001', {
			onSpawn: (child) => (watcher = watchPeakRss(child.pid ?? 0)),
			timeoutMs: 20 * 60_000,
		});
		const peakRss = watcher?.stop() ?? 0;
		if (result.run?.status !== 'success')
			throw new Error(
				`the run failed: ${JSON.stringify(result.run?.data?.resultData?.error ?? result.stdout.slice(-500))}`,
			);
		const files = nodeItems(result.run, 'HeyGen').length;
		const downloads = standIn.requests.filter((request) => request.path.startsWith('/files/'));
		const span = downloads.length
			? Math.max(...downloads.map((r) => r.at)) - Math.min(...downloads.map((r) => r.at))
			: 0;
		return {
			peakRss,
			files,
			downloads: downloads.length,
			runMs: result.ms,
			downloadSpanMs: span,
			maxInFlight: standIn.fileStats.maxInFlight,
		};
	});
}

async function main() {
	const runtime = await ensureRuntime();
	const sizes = arg('sizes', '1,64,512').split(',').map(Number);
	console.log(
		`Download Files in n8n ${runtime.n8nVersion}, filesystem binary mode, against the stand-in on loopback.\n`,
	);
	console.log('Peak RSS of the n8n process against the file size (2 files):');
	console.log('file size   peak RSS   files');
	/** @type {string[]} */
	const memoryRows = [];
	for (const size of sizes) {
		const figures = await measure({
			assets: 2,
			fileSizeBytes: size * MiB,
			latencyMs: 0,
			parameters: { limit: 2, options: { requestsAtOnce: 1 } },
		});
		console.log(
			`${`${size} MiB`.padStart(9)}  ${`${(figures.peakRss / MiB).toFixed(0)} MiB`.padStart(9)}   ${figures.files}`,
		);
		memoryRows.push(
			`| ${size} MiB | ${figures.files} | ${(figures.peakRss / MiB).toFixed(0)} MiB |`,
		);
	}
	const files = Number(arg('files', '40'));
	console.log(`\nThroughput: ${files} files of 1 MiB, 20 ms latency per request:`);
	console.log('parallel   files/s   in flight at most');
	/** @type {string[]} */
	const speedRows = [];
	for (const concurrency of [1, 4]) {
		const figures = await measure({
			assets: files,
			fileSizeBytes: MiB,
			latencyMs: 20,
			parameters: { limit: files, options: { requestsAtOnce: concurrency } },
		});
		const perSecond = figures.downloads / Math.max(0.001, (figures.downloadSpanMs + 20) / 1000);
		console.log(
			`${String(concurrency).padStart(8)}   ${perSecond.toFixed(1).padStart(7)}   ${figures.maxInFlight}`,
		);
		speedRows.push(
			`| ${concurrency} | ${figures.downloads} | ${perSecond.toFixed(1)} | ${figures.maxInFlight} |`,
		);
	}
	const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`;
	writeReport('download', [
		'# Download Files: memory and speed',
		'',
		`Written by \`npm run bench:download\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}. n8n ${runtime.n8nVersion}, filesystem binary mode, the stand-in on loopback.`,
		'',
		'Peak RSS of the n8n process against the file size (2 files, one at a time):',
		'',
		'| File size | Files | Peak RSS |',
		'| ---: | ---: | ---: |',
		...memoryRows,
		'',
		`Throughput: ${files} files of 1 MiB, 20 ms latency per request (from the first download's arrival to the last's, plus one latency):`,
		'',
		'| Requests at Once | Files | Files/s | In flight at most |',
		'| ---: | ---: | ---: | ---: |',
		...speedRows,
		'',
	]);
}

main().catch((error) => {
	console.error(`[bench:download] ${error.message}`);
	process.exit(1);
});
