// @ts-check
/**
 * `npm run bench`: the HeyGen node (Return All) against what a user would build instead — the
 * HTTP Request node with its pagination option (token from $response.body.data.token, 100 a page,
 * complete when the token is empty) followed by Split Out — in one real n8n, against the stand-in
 * with a fixed latency per request. Prints figures and writes docs/benchmarks.md; asserts nothing
 * (the targets are printed as met or not).
 *
 *   --sizes 1000,10000   asset counts (default); --full adds 100000
 *   --runs 5             executions per variant and size (median reported)
 *   --latency 20         milliseconds the stand-in waits before each answer
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { arg } = require('./lib/args');
const { ensureRuntime } = require('./n8n-runtime');
const {
	PROJECT_ROOT,
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	watchPeakRss,
} = require('./lib/n8n');
const { startStandIn } = require('../test/stand-in/heygen-stand-in');

const LIST = '/v1/asset/list';
const MiB = 1024 * 1024;

/** @param {string} baseUrl */
function workflows(baseUrl) {
	const trigger = {
		id: 'start',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return [
		{
			id: 'benchHeyGenNode1',
			name: 'bench: HeyGen node',
			active: false,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
			nodes: [
				trigger,
				{
					id: 'heygen',
					name: 'HeyGen',
					type: 'n8n-nodes-heygen.heyGen',
					typeVersion: 1,
					position: [220, 0],
					parameters: { resource: 'asset', operation: 'getAll', returnAll: true },
					credentials: { heyGenApi: { id: 'benchHeyGenCred1', name: 'HeyGen' } },
				},
			],
			connections: { Start: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
		},
		{
			id: 'benchHttpPaging1',
			name: 'bench: HTTP Request with pagination + Split Out',
			active: false,
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
			nodes: [
				trigger,
				{
					id: 'http',
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [220, 0],
					parameters: {
						url: `${baseUrl}${LIST}`,
						authentication: 'genericCredentialType',
						genericAuthType: 'httpHeaderAuth',
						sendQuery: true,
						queryParameters: { parameters: [{ name: 'limit', value: '100' }] },
						options: {
							pagination: {
								pagination: {
									paginationMode: 'updateAParameterInEachRequest',
									parameters: {
										parameters: [
											{ type: 'qs', name: 'token', value: '={{ $response.body.data.token }}' },
										],
									},
									paginationCompleteWhen: 'other',
									completeExpression: '={{ !$response.body.data.token }}',
									limitPagesFetched: false,
								},
							},
						},
					},
					credentials: { httpHeaderAuth: { id: 'benchHeaderCred1', name: 'HeyGen header' } },
				},
				{
					id: 'split',
					name: 'Split Out',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [440, 0],
					parameters: { fieldToSplitOut: 'data.assets', options: {} },
				},
			],
			connections: {
				Start: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] },
				'HTTP Request': { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			},
		},
	];
}

/** @param {number[]} values */
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** @param {any} run @param {string} node */
const nodeTime = (run, node) => run?.data?.resultData?.runData?.[node]?.[0]?.executionTime ?? NaN;
/** @param {any} run @param {string} node */
const itemCount = (run, node) =>
	run?.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0]?.length ?? 0;

async function main() {
	const sizes = arg('sizes', '1000,10000').split(',').map(Number);
	if (process.argv.includes('--full')) sizes.push(100_000);
	const runs = Number(arg('runs', '5'));
	const latencyMs = Number(arg('latency', '20'));
	const runtime = await ensureRuntime();
	const standIn = await startStandIn({ assets: 10, folders: 0, latencyMs });
	const n8n = await createN8n({ runtime });
	/** @type {Array<Record<string, any>>} */
	const rows = [];
	try {
		await importCredentials(n8n, [
			{
				id: 'benchHeyGenCred1',
				name: 'HeyGen',
				type: 'heyGenApi',
				data: { apiKey: standIn.apiKey, baseUrl: standIn.url },
			},
			{
				id: 'benchHeaderCred1',
				name: 'HeyGen header',
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: standIn.apiKey },
			},
		]);
		await importWorkflows(n8n, workflows(standIn.url));
		console.log(
			`n8n ${runtime.n8nVersion}, Node ${runtime.nodeVersion}; stand-in latency ${latencyMs} ms per request; ${runs} runs each, median shown.\n`,
		);
		for (const size of sizes) {
			standIn.reseed({ assets: size, folders: 0, seed: 1 });
			const pages = Math.ceil(size / 100);
			const floor = pages * latencyMs;
			for (const variant of [
				{
					name: 'HeyGen node, Return All',
					id: 'benchHeyGenNode1',
					nodes: ['HeyGen'],
					out: 'HeyGen',
				},
				{
					name: 'HTTP Request pagination + Split Out',
					id: 'benchHttpPaging1',
					nodes: ['HTTP Request', 'Split Out'],
					out: 'Split Out',
				},
			]) {
				/** @type {number[]} */ const times = [];
				/** @type {number[]} */ const rss = [];
				/** @type {number[]} */ const requests = [];
				let items = 0;
				for (let i = 0; i < runs; i++) {
					standIn.reset();
					/** @type {{ stop: () => number } | undefined} */
					let watcher;
					const result = await executeWorkflow(n8n, variant.id, {
						onSpawn: (child) => (watcher = watchPeakRss(child.pid ?? 0)),
						timeoutMs: 30 * 60_000,
					});
					rss.push(watcher?.stop() ?? 0);
					if (result.run?.status !== 'success')
						throw new Error(
							`${variant.name} failed at N=${size}: ${JSON.stringify(result.run?.data?.resultData?.error?.message ?? result.stdout.slice(-400))}`,
						);
					times.push(variant.nodes.reduce((sum, node) => sum + nodeTime(result.run, node), 0));
					requests.push(standIn.requestsTo(LIST).length);
					items = itemCount(result.run, variant.out);
				}
				const row = {
					size,
					variant: variant.name,
					items,
					requests: median(requests),
					pages,
					ms: median(times),
					floor,
					ratio: median(times) / floor,
					rssMiB: Math.max(...rss) / MiB,
				};
				rows.push(row);
				console.log(
					`N=${String(size).padEnd(6)} ${variant.name.padEnd(36)} items ${String(items).padStart(6)}  requests ${String(row.requests).padStart(4)} (pages ${pages})  ` +
						`time ${row.ms.toFixed(0).padStart(6)} ms  floor ${floor} ms  ×${row.ratio.toFixed(2)}  peak RSS ${row.rssMiB.toFixed(0)} MiB`,
				);
			}
		}
	} finally {
		await standIn.close();
		fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}

	/** @type {Array<[string, boolean]>} */
	const targets = [];
	for (const size of sizes) {
		const node = rows.find((r) => r.size === size && r.variant.startsWith('HeyGen'));
		const http = rows.find((r) => r.size === size && r.variant.startsWith('HTTP'));
		if (!node || !http) continue;
		targets.push([
			`N=${size}: exactly ceil(N/100) = ${node.pages} list requests (node: ${node.requests}) and every asset (${node.items})`,
			node.requests === node.pages && node.items === size,
		]);
		targets.push([
			`N=${size}: node not slower than the HTTP Request variant (${node.ms.toFixed(0)} vs ${http.ms.toFixed(0)} ms, ratio ${(node.ms / http.ms).toFixed(2)})`,
			node.ms <= http.ms,
		]);
		if (size === 10_000)
			targets.push([
				`N=10000: node time within 1.05 × floor + 100 ms (${node.ms.toFixed(0)} ≤ ${(1.05 * node.floor + 100).toFixed(0)} ms)`,
				node.ms <= 1.05 * node.floor + 100,
			]);
		if (size === 100_000) targets.push(['N=100000 completes', node.items === size]);
	}
	console.log('\nTargets:');
	for (const [what, met] of targets) console.log(`  ${met ? 'met    ' : 'NOT met'}  ${what}`);

	const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, ${os.platform()} ${os.release()}`;
	const lines = [
		'# Benchmarks',
		'',
		`Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}. n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion}.`,
		`Stand-in on loopback with ${latencyMs} ms latency per request; ${runs} executions per row, median time; time is the nodes' own execution time in n8n's run data (HeyGen; HTTP Request + Split Out); peak RSS is the n8n process's, the highest of the runs.`,
		'',
		'| N | Variant | Items | List requests | Pages | Time (ms) | Floor (ms) | × floor | Peak RSS (MiB) |',
		'| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.size} | ${r.variant} | ${r.items} | ${r.requests} | ${r.pages} | ${r.ms.toFixed(0)} | ${r.floor} | ${r.ratio.toFixed(2)} | ${r.rssMiB.toFixed(0)} |`,
		),
		'',
		'Floor: pages × latency, the time the requests alone must take one after another.',
		'',
		'| Target | Result |',
		'| --- | --- |',
		...targets.map(([what, met]) => `| ${what} | ${met ? 'met' : '**not met**'} |`),
		'',
		'Download Files (memory against file size, files per second): [benchmarks-download.md](benchmarks-download.md), from `npm run bench:download`.',
		'',
	];
	fs.mkdirSync(path.join(PROJECT_ROOT, 'docs'), { recursive: true });
	fs.writeFileSync(path.join(PROJECT_ROOT, 'docs', 'benchmarks.md'), lines.join('\n'));
	console.log('\nWrote docs/benchmarks.md');
}

main().catch((error) => {
	console.error(`[bench] ${error.message}`);
	process.exit(1);
});
