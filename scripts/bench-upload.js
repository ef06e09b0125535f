// @ts-check
/**
 * `npm run bench:upload`: Asset → Upload in a real n8n, against the stand-in: n8n's peak RSS
 * against the file size, the file read from disk into n8n's filesystem binary store and streamed
 * to HeyGen (one request up to 32 MB, the direct upload above). Beside each, the same workflow
 * without the upload, so the upload's own share shows. Prints figures; asserts nothing.
 *
 *   --sizes 1,64,512   file sizes in MiB (default 1,64,512)
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { arg } = require('./lib/args');
const { writeReport } = require('./lib/bench-report');
const { ensureRuntime } = require('./n8n-runtime');
const { withHeyGenN8n } = require('./lib/heygen-n8n');
const { executeWorkflow, nodeItems, watchPeakRss } = require('./lib/n8n');
const { MiB, writeFileOfMiB } = require('./lib/files');
const { uploadFromDiskWorkflow } = require('./lib/workflows');

const CREDENTIAL = { id: 'benchHeyGenCred1', name: 'HeyGen' };

/**
 * Peak RSS of one n8n run that reads (and uploads) a file of `size` MiB.
 * @param {number} size @param {boolean} upload
 */
async function measure(size, upload) {
	const files = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-bench-upload-'));
	const file = writeFileOfMiB(path.join(files, `clip-${size}.mp4`), size);
	const options = {
		account: { assets: 1, folders: 0 },
		credentials: [CREDENTIAL],
		n8n: {
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_RESTRICT_FILE_ACCESS_TO: files },
		},
		workflows: () => [uploadFromDiskWorkflow('benchUpload00001', file, CREDENTIAL, { upload })],
	};
	try {
		return await withHeyGenN8n(options, async ({ standIn, n8n }) => {
			/** @type {{ stop: () => number } | undefined} */
			let watcher;
			const result = await executeWorkflow(n8n, 'benchUpload00001', {
				onSpawn: (child) => (watcher = watchPeakRss(child.pid ?? 0)),
				timeoutMs: 20 * 60_000,
			});
			const peakRss = watcher?.stop() ?? 0;
			if (result.run?.status !== 'success') {
				throw new Error(
					`the run failed: ${JSON.stringify(result.run?.data?.resultData?.error ?? result.stdout.slice(-500))}`,
				);
			}
			if (upload) {
				const [asset] = nodeItems(result.run, 'HeyGen');
				const [received] = standIn.uploads;
				if (!asset || received?.size !== size * MiB)
					throw new Error(`the stand-in received ${received?.size} bytes, not ${size * MiB}`);
			}
			return { peakRss, via: standIn.uploads[0]?.via ?? '-', runMs: result.ms };
		});
	} finally {
		fs.rmSync(files, { recursive: true, force: true });
	}
}

async function main() {
	const runtime = await ensureRuntime();
	const sizes = arg('sizes', '1,64,512').split(',').map(Number);
	console.log(
		`Asset → Upload in n8n ${runtime.n8nVersion}, filesystem binary mode, against the stand-in on loopback.\n`,
	);
	console.log('file size   read only   read + upload   upload path   run');
	/** @type {string[]} */
	const rows = [];
	for (const size of sizes) {
		const readOnly = await measure(size, false);
		const uploaded = await measure(size, true);
		const mib = (/** @type {number} */ bytes) => `${(bytes / MiB).toFixed(0)} MiB`;
		console.log(
			`${`${size} MiB`.padStart(9)}   ${mib(readOnly.peakRss).padStart(9)}   ${mib(uploaded.peakRss).padStart(13)}   ${uploaded.via.padStart(11)}   ${(uploaded.runMs / 1000).toFixed(1)} s`,
		);
		rows.push(
			`| ${size} MiB | ${mib(readOnly.peakRss)} | ${mib(uploaded.peakRss)} | ${uploaded.via} | ${(uploaded.runMs / 1000).toFixed(1)} s |`,
		);
	}
	const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`;
	writeReport('upload', [
		'# Asset → Upload: memory',
		'',
		`Written by \`npm run bench:upload\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}. n8n ${runtime.n8nVersion}, filesystem binary mode, the stand-in on loopback.`,
		'',
		"Peak RSS of the n8n process for one file read from disk (Read Files from Disk), without and with the HeyGen upload after it. Up to 32 MB the file goes in one multipart request, above through the direct upload. Either way the file is read twice: once for its SHA-256 (the content hash in its Idempotency-Keys, and the direct upload's checksum), once to send it. The stand-in's ticket takes the 512 MiB file (its max_bytes is the signed size); HeyGen's own client states 200 MB. The run time includes n8n's start.",
		'',
		'| File size | Read only | Read + upload | Upload path | Run |',
		'| ---: | ---: | ---: | :--- | ---: |',
		...rows,
		'',
	]);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
