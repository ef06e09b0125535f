// @ts-check
/**
 * `npm run bench:bulk`: bulk jobs in one real n8n, against the stand-in with a fixed latency per
 * request — Delete and Get of N assets (listed by a HeyGen Get Many first) with the HeyGen node
 * (Requests at Once not set: the automatic pace) against the HTTP Request node (one request per
 * item, all at once), then the same on an account that answers 429 above K requests in flight, and
 * Upload of small files; first issue 23's two rows (Delete of M on an unlimited account, Get of M on
 * one limited to L). Prints figures and writes bench-results/bulk.md; asserts nothing (the targets
 * are printed as met or not).
 *
 *   --items 1000  --latency 50  --limit 4 (the account's K)  --uploads 200
 *   --issue-items 400  --issue-limit 8  (--items 0 --uploads 0: those rows alone)
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { arg } = require('./lib/args');
const { writeReport } = require('./lib/bench-report');
const { ensureRuntime } = require('./n8n-runtime');
const { startHeyGenN8n } = require('./lib/heygen-n8n');
const { PROJECT_ROOT, executeWorkflow, nodeItems, runError } = require('./lib/n8n');
const { chainWorkflow, heyGenNode, readFilesNode } = require('./lib/workflows');
/** Requests at Once, its default and the automatic maximum, as the built node has them. */
const { REQUESTS_AT_ONCE } = require(
	path.join(PROJECT_ROOT, 'dist', 'nodes', 'HeyGen', 'execution', 'run.js'),
);

const HEYGEN = { id: 'benchHeyGenCred1', name: 'HeyGen' };
/**
 * The spread of the jittered rows' answers (ms either side of the latency): a constant latency keeps
 * a client's requests in lockstep, so that n8n's work for each answer queues behind the others'.
 */
const JITTER_MS = 10;
const HEADER = { id: 'benchHeaderCred1', name: 'HeyGen header' };
const START = {
	id: 'start',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};
/** The assets to act on: every one, listed by the HeyGen node (its time is not counted). */
const LIST = heyGenNode('List', { operation: 'getAll', returnAll: true, apiVersion: 'v3' }, HEYGEN);

/** @param {string} baseUrl @param {'DELETE' | 'GET'} method */
function httpNode(baseUrl, method) {
	return {
		id: 'op',
		name: 'Op',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method,
			url: `=${baseUrl}/v3/assets/{{ $json.id }}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			options: {},
		},
		credentials: { httpHeaderAuth: HEADER },
	};
}

/** @param {'delete' | 'get'} operation @param {Record<string, unknown>} [options] */
function heyGenOp(operation, options) {
	const assetId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
	return {
		...heyGenNode('Op', { operation, assetId, ...(options && { options }) }, HEYGEN),
		id: 'op',
	};
}

/**
 * @param {string} baseUrl @param {string} files
 * @param {number} heldAt the Requests at Once of the Get held at the limited account's level
 */
function workflows(baseUrl, files, heldAt) {
	const settings = { saveDataSuccessExecution: 'none' };
	const chain = (/** @type {string} */ id, /** @type {any[]} */ nodes) => ({
		...chainWorkflow(id, nodes),
		settings: { executionOrder: 'v1', ...settings },
	});
	return [
		chain('bulkDeleteHeyGen', [START, LIST, heyGenOp('delete')]),
		chain('bulkDeleteHttp01', [START, LIST, httpNode(baseUrl, 'DELETE')]),
		chain('bulkGetHeyGen001', [START, LIST, heyGenOp('get')]),
		chain('bulkGetHeyGenHld', [START, LIST, heyGenOp('get', { requestsAtOnce: heldAt })]),
		chain('bulkGetHttp00001', [START, LIST, httpNode(baseUrl, 'GET')]),
		chain('bulkUploadHeyGen', [
			START,
			{ ...readFilesNode('Read', path.join(files, '*.png')), id: 'read' },
			{ ...heyGenNode('Op', { operation: 'upload' }, HEYGEN), id: 'op' },
		]),
	];
}

/** @param {any} run @param {string} node */
const nodeTime = (run, node) => run?.data?.resultData?.runData?.[node]?.[0]?.executionTime ?? NaN;

/**
 * One execution of a job.
 * @param {any} n8n @param {import('./lib/heygen-n8n').StandIn} standIn
 * @param {{ job: string, variant: string, id: string, items: number, account: string, floorMs: number, jitterMs?: number }} spec
 */
async function runJob(n8n, standIn, spec) {
	standIn.reset();
	standIn.reseed({ assets: spec.job === 'Upload' ? 1 : spec.items, folders: 0, seed: 3 });
	standIn.set({ latencyJitterMs: spec.jitterMs ?? 0 });
	if (spec.account !== 'unlimited') standIn.set({ maxInFlight: Number(spec.account) });
	const seen = standIn.requests.length;
	const result = await executeWorkflow(n8n, spec.id, { timeoutMs: 20 * 60_000 });
	standIn.set({ maxInFlight: undefined });
	const done = nodeItems(result.run, 'Op').filter((item) => !item.error).length;
	const row = {
		...spec,
		status: result.run?.status ?? 'no run',
		done,
		failed: spec.items - done,
		error: runError(result.run)?.message,
		ms: nodeTime(result.run, 'Op'),
		maxInFlight: standIn.apiStats.maxInFlight,
		rateLimited: standIn.apiStats.rateLimited,
		jitterMs: spec.jitterMs ?? 0,
		gapMs: spec.variant.startsWith('HeyGen')
			? emptyPlaceMs(standIn.requests.slice(seen), standIn.apiStats.maxInFlight)
			: NaN,
	};
	console.log(
		`${row.job.padEnd(6)} ${row.variant.padEnd(26)} account ${String(row.account).padEnd(9)} ± ${String(row.jitterMs).padStart(2)} ms ${row.status.padEnd(7)} done ${String(done).padStart(5)}/${row.items}  ${Number.isNaN(row.ms) ? '   —' : row.ms.toFixed(0).padStart(6)} ms  floor ${row.floorMs} ms  in flight ≤ ${row.maxInFlight}, 429s ${row.rateLimited}, place empty ${Number.isNaN(row.gapMs) ? '—' : row.gapMs.toFixed(0)} ms${row.error ? `  (${row.error})` : ''}`,
	);
	return row;
}

/**
 * How long a place stands empty between an answer and the next request (median, ms), as the stand-in
 * saw it: the client's own time per request (n8n's and the node's work, a new connection), which the
 * floor leaves out. Pairs the kth arrival with the answer `places` before it; NaN when too few.
 * @param {Array<{ at: number, answeredAt?: number, status: number }>} requests @param {number} places
 */
function emptyPlaceMs(requests, places) {
	const answered = requests.filter((r) => r.answeredAt !== undefined && r.status !== 429);
	const arrivals = answered.map((r) => r.at).sort((a, b) => a - b);
	const answers = answered.map((r) => /** @type {number} */ (r.answeredAt)).sort((a, b) => a - b);
	const gaps = arrivals.slice(places).map((at, i) => at - answers[i]);
	if (places < 1 || gaps.length < 10) return NaN;
	return gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
}

/** Small PNG files to upload, each different. @param {number} count */
function writeUploads(count) {
	const files = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-bench-bulk-'));
	for (let i = 0; i < count; i++) {
		const bytes = Buffer.concat([
			Buffer.from([0x89, 0x50, 0x4e, 0x47]),
			Buffer.alloc(1000 + i, i % 251),
		]);
		fs.writeFileSync(path.join(files, `file-${String(i).padStart(4, '0')}.png`), bytes);
	}
	return files;
}

/**
 * Issue 23's targets: Delete of M within 2 × the HTTP Request node's time; Get of M on an account
 * limited to L, every item, within 1.5 × the floor; no failed item on a limited account.
 * @param {Array<Record<string, any>>} rows @param {{ issueItems: number, issueLimit: number, latencyMs: number }} o
 * @returns {Array<[string, boolean]>}
 */
function issueTargetsOf(rows, o) {
	/** The issue's row of a job: the first of its variant on that account, at the plain latency. */
	const find = (/** @type {string} */ job, /** @type {string} */ variant, account = 'unlimited') =>
		rows.find(
			(r) =>
				r.job === job &&
				r.items === o.issueItems &&
				r.variant.startsWith(variant) &&
				r.account === account &&
				r.jitterMs === 0,
		);
	const node = find('Delete', 'HeyGen');
	const http = find('Delete', 'HTTP');
	const limited = find('Get', 'HeyGen node', String(o.issueLimit));
	const held = find('Get', 'HeyGen node, held');
	const jittered = rows.find(
		(r) =>
			r.job === 'Get' && r.variant === 'HeyGen node' && r.jitterMs > 0 && r.account !== 'unlimited',
	);
	const limitedRows = rows.filter(
		(r) => r.variant.startsWith('HeyGen') && r.account !== 'unlimited',
	);
	const failed = limitedRows.reduce((sum, r) => sum + r.failed, 0);
	/** @type {Array<[string, boolean]>} */
	const targets = [];
	if (node && http)
		targets.push([
			`Delete ${o.issueItems}: within 2 × the HTTP Request node's time (${node.ms.toFixed(0)} ≤ 2 × ${http.ms.toFixed(0)} ms)`,
			node.failed === 0 && node.ms <= 2 * http.ms,
		]);
	for (const row of [limited, jittered])
		if (row)
			targets.push([
				`Get ${o.issueItems}, account limited to ${o.issueLimit}, latency ${o.latencyMs} ± ${row.jitterMs} ms: ${row.done}/${o.issueItems}, within 1.5 × the floor (${row.ms.toFixed(0)} ≤ ${(1.5 * row.floorMs).toFixed(0)} ms)`,
				row.failed === 0 && row.ms <= 1.5 * row.floorMs,
			]);
	if (limited && held)
		targets.push([
			`The limiter's own cost: the limited Get within 1.1 × the node held at ${o.issueLimit} on an account that refuses nothing (${limited.ms.toFixed(0)} ≤ 1.1 × ${held.ms.toFixed(0)} ms)`,
			limited.failed === 0 && limited.ms <= 1.1 * held.ms,
		]);
	targets.push([
		`No failed item on any limited account (${failed} in ${limitedRows.length} HeyGen node runs)`,
		failed === 0,
	]);
	return targets;
}

/** @param {Array<Record<string, any>>} rows @param {{ items: number, latencyMs: number, limit: number, uploads: number }} o */
function targetsOf(rows, o) {
	const find = (/** @type {string} */ job, /** @type {string} */ variant, account = 'unlimited') =>
		rows.find(
			(r) =>
				r.job === job &&
				r.items === o.items &&
				r.variant.startsWith(variant) &&
				r.account === account,
		);
	/** @type {Array<[string, boolean]>} */
	const targets = [];
	const c = REQUESTS_AT_ONCE.max;
	for (const job of ['Delete', 'Get']) {
		const node = find(job, 'HeyGen');
		const http = find(job, 'HTTP');
		const limited = find(job, 'HeyGen', String(o.limit));
		if (!node || !http || !limited) continue;
		const ideal = (o.items * o.latencyMs) / c;
		targets.push([
			`${job} ${o.items}: within 1.5 × N × latency ÷ ${c} (${node.ms.toFixed(0)} ≤ ${(1.5 * ideal).toFixed(0)} ms)`,
			node.failed === 0 && node.ms <= 1.5 * ideal,
		]);
		targets.push([
			`${job} ${o.items}: at most 3 × the HTTP Request node's time (${node.ms.toFixed(0)} ≤ 3 × ${http.ms.toFixed(0)} ms)`,
			node.ms <= 3 * http.ms,
		]);
		const idealLimited = (o.items * o.latencyMs) / o.limit;
		targets.push([
			`${job} ${o.items}, account limited to ${o.limit} at once: 0 failed items (${limited.failed}), within 1.5 × N × latency ÷ ${o.limit} (${limited.ms.toFixed(0)} ≤ ${(1.5 * idealLimited).toFixed(0)} ms)`,
			limited.failed === 0 && limited.ms <= 1.5 * idealLimited,
		]);
	}
	const upload = find('Upload', 'HeyGen');
	if (upload) {
		const ideal = (o.uploads * o.latencyMs * 1) / c;
		targets.push([
			`Upload ${o.uploads} small files (one request each): within 1.5 × N × latency ÷ ${c} (${upload.ms.toFixed(0)} ≤ ${(1.5 * ideal).toFixed(0)} ms)`,
			upload.failed === 0 && upload.ms <= 1.5 * ideal,
		]);
	}
	return targets;
}

/** @param {Array<Record<string, any>>} rows @param {Array<[string, boolean]>} targets @param {any} o @param {{ n8nVersion: string, nodeVersion: string }} runtime */
function writeDoc(rows, targets, o, runtime) {
	const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`;
	const lines = [
		'# Bulk jobs',
		'',
		`Written by \`npm run bench:bulk\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}. n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion}.`,
		`Stand-in on loopback, ${o.latencyMs} ms latency per request; one execution per row; time is the acting node's own execution time in n8n's run data (the Get Many that lists the assets first is not counted). The HeyGen node runs without Requests at Once (automatic: from ${REQUESTS_AT_ONCE.default} up to ${REQUESTS_AT_ONCE.max} at once); the HTTP Request node (4.2, no batching) sends one request per item, all at once. "Limited to K" accounts answer 429 to an API request that arrives while K are being answered. Load average when written (1, 5, 15 min): ${os
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(', ')}.`,
		'',
		'| Job | Variant | Account | Latency (ms) | Status | Done | Failed | Time (ms) | Floor (ms) | Most in flight | 429s | Place empty (ms) |',
		'| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.job} ${r.items} | ${r.variant} | ${r.account === 'unlimited' ? 'unlimited' : `limited to ${r.account}`} | ${o.latencyMs} ± ${r.jitterMs} | ${r.status} | ${r.done} | ${r.failed} | ${Number.isNaN(r.ms) ? '—' : r.ms.toFixed(0)} | ${r.floorMs} | ${r.maxInFlight} | ${r.rateLimited} | ${Number.isNaN(r.gapMs) ? '—' : r.gapMs.toFixed(0)} |`,
		),
		'',
		`Floor: N × latency ÷ the requests at once it may have (the HeyGen node: ${REQUESTS_AT_ONCE.max}, or the account limit; the HTTP Request node: every item at once, one latency). The floor counts no time in the client. "Place empty": the median time from an answer leaving the stand-in to the next request arriving there, with as many in flight as the row's most (the client's own time per request: n8n's work, the node's, a new connection); not shown for the HTTP Request node, which sends all at once. "Held at K": Requests at Once set to K on an account that refuses nothing, what n8n allows at K in flight with no limiter at work.`,
		'',
		'| Target | Result |',
		'| --- | --- |',
		...targets.map(([what, met]) => `| ${what} | ${met ? 'met' : '**not met**'} |`),
		'',
	];
	writeReport('bulk', lines);
}

/**
 * Issue 23's rows: Delete of M on an unlimited account and Get of M on one limited to L, the HeyGen
 * node beside the HTTP Request node.
 * @param {any} n8n @param {import('./lib/heygen-n8n').StandIn} standIn
 * @param {{ issueItems: number, issueLimit: number, latencyMs: number }} o
 */
async function issueRows(n8n, standIn, o) {
	const m = o.issueItems;
	const floor = (/** @type {number} */ at) => Math.round((m * o.latencyMs) / at);
	const row = (/** @type {Omit<Parameters<typeof runJob>[2], 'items'>} */ spec) =>
		runJob(n8n, standIn, { items: m, ...spec });
	const limited = String(o.issueLimit);
	const limitedGet = {
		job: 'Get',
		variant: 'HeyGen node',
		id: 'bulkGetHeyGen001',
		account: limited,
		floorMs: floor(o.issueLimit),
	};
	// What n8n itself allows at L in flight: the node held there, on an account that refuses nothing.
	const heldGet = {
		...limitedGet,
		variant: `HeyGen node, held at ${o.issueLimit}`,
		id: 'bulkGetHeyGenHld',
		account: 'unlimited',
	};
	return [
		await row({
			job: 'Delete',
			variant: 'HeyGen node',
			id: 'bulkDeleteHeyGen',
			account: 'unlimited',
			floorMs: floor(REQUESTS_AT_ONCE.max),
		}),
		await row({
			job: 'Delete',
			variant: 'HTTP Request node',
			id: 'bulkDeleteHttp01',
			account: 'unlimited',
			floorMs: o.latencyMs,
		}),
		await row(limitedGet),
		await row({ ...limitedGet, variant: 'HTTP Request node', id: 'bulkGetHttp00001' }),
		await row(heldGet),
		// The same two with answers spread ± JITTER_MS around the latency, as a real server's are.
		await row({ ...limitedGet, jitterMs: JITTER_MS }),
		await row({ ...heldGet, jitterMs: JITTER_MS }),
	];
}

async function main() {
	const o = {
		items: Number(arg('items', '1000')),
		latencyMs: Number(arg('latency', '50')),
		limit: Number(arg('limit', '4')),
		uploads: Number(arg('uploads', '200')),
		issueItems: Number(arg('issue-items', '400')),
		issueLimit: Number(arg('issue-limit', '8')),
	};
	const runtime = await ensureRuntime();
	const files = writeUploads(o.uploads);
	const set = await startHeyGenN8n({
		account: { assets: 1, folders: 0, latencyMs: o.latencyMs },
		credentials: [HEYGEN],
		otherCredentials: (standIn) => [
			{ ...HEADER, type: 'httpHeaderAuth', data: { name: 'x-api-key', value: standIn.apiKey } },
		],
		n8n: { env: { N8N_RESTRICT_FILE_ACCESS_TO: files } },
		workflows: (standIn) => workflows(standIn.url, files, o.issueLimit),
	});
	const { standIn, n8n } = set;
	const rows = [];
	try {
		const c = REQUESTS_AT_ONCE.max;
		const floor = (/** @type {number} */ n, /** @type {number} */ at) =>
			Math.round((n * o.latencyMs) / at);
		rows.push(...(await issueRows(n8n, standIn, o)));
		// --items 0 --uploads 0: issue 23's rows alone.
		const jobs = o.items > 0 ? ['Delete', 'Get'] : [];
		for (const [job, heyGenId, httpId] of [
			['Delete', 'bulkDeleteHeyGen', 'bulkDeleteHttp01'],
			['Get', 'bulkGetHeyGen001', 'bulkGetHttp00001'],
		].filter(([job]) => jobs.includes(job))) {
			const base = { job, items: o.items };
			rows.push(
				await runJob(n8n, standIn, {
					...base,
					variant: `HeyGen node`,
					id: heyGenId,
					account: 'unlimited',
					floorMs: floor(o.items, c),
				}),
			);
			rows.push(
				await runJob(n8n, standIn, {
					...base,
					variant: 'HTTP Request node',
					id: httpId,
					account: 'unlimited',
					floorMs: o.latencyMs,
				}),
			);
			rows.push(
				await runJob(n8n, standIn, {
					...base,
					variant: 'HeyGen node',
					id: heyGenId,
					account: String(o.limit),
					floorMs: floor(o.items, o.limit),
				}),
			);
			rows.push(
				await runJob(n8n, standIn, {
					...base,
					variant: 'HTTP Request node',
					id: httpId,
					account: String(o.limit),
					floorMs: floor(o.items, o.limit),
				}),
			);
		}
		if (o.uploads > 0)
			rows.push(
				await runJob(n8n, standIn, {
					job: 'Upload',
					items: o.uploads,
					variant: 'HeyGen node',
					id: 'bulkUploadHeyGen',
					account: 'unlimited',
					floorMs: floor(o.uploads, c),
				}),
			);
	} finally {
		await set.close();
		fs.rmSync(files, { recursive: true, force: true });
	}
	const targets = [...issueTargetsOf(rows, o), ...targetsOf(rows, o)];
	console.log('\nTargets:');
	for (const [what, met] of targets) console.log(`  ${met ? 'met    ' : 'NOT met'}  ${what}`);
	writeDoc(rows, targets, o, runtime);
}

main().catch((error) => {
	console.error(`[bench:bulk] ${error.message}`);
	process.exit(1);
});
