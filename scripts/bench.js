// @ts-check
/**
 * `npm run bench`: the HeyGen node (Return All, on v1 and on v3) against what a user would build
 * instead — the HTTP Request node with its pagination option (token from $response.body.data.token,
 * 100 a page, complete when the token is empty) followed by Split Out — in one real n8n, against the
 * stand-in with a fixed latency per request; then Return All on a busy account (an upload landing
 * after every few list pages). Prints figures and writes bench-results/listing.md; asserts nothing (the
 * targets are printed as met or not).
 *
 *   --sizes 1000,10000   asset counts (default); --full adds 100000
 *   --busy 10000         the busy account's size; --busy-every 4: an upload after every 4th page
 *   --runs 5             executions per variant and size (median reported)
 *   --latency 20         milliseconds the stand-in waits before each answer
 */
'use strict';

const os = require('node:os');

const { arg } = require('./lib/args');
const { writeReport } = require('./lib/bench-report');
const { ensureRuntime } = require('./n8n-runtime');
const { startHeyGenN8n } = require('./lib/heygen-n8n');
const { executeWorkflow, nodeItems, watchPeakRss } = require('./lib/n8n');

const LIST = { v1: '/v1/asset/list', v3: '/v3/assets' };
const MiB = 1024 * 1024;

/**
 * @param {string} id @param {'v1' | 'v3'} apiVersion
 * @param {{ id: string, name: string, type: string, typeVersion: number, position: number[], parameters: object }} trigger
 */
function heyGenListWorkflow(id, apiVersion, trigger) {
	return {
		id,
		name: `bench: HeyGen node, ${apiVersion}`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
		nodes: [
			trigger,
			{
				id: 'heygen',
				name: 'HeyGen',
				type: 'n8n-nodes-heygen.heyGen',
				typeVersion: 2,
				position: [220, 0],
				parameters: { resource: 'asset', operation: 'getAll', returnAll: true, apiVersion },
				credentials: { heyGenApi: { id: 'benchHeyGenCred1', name: 'HeyGen' } },
			},
		],
		connections: { Start: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
	};
}

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
		heyGenListWorkflow('benchHeyGenNode1', 'v1', trigger),
		heyGenListWorkflow('benchHeyGenNodV3', 'v3', trigger),
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
						url: `${baseUrl}${LIST.v1}`,
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

const VARIANTS = [
	{
		name: 'HeyGen node, Return All, v1',
		id: 'benchHeyGenNode1',
		nodes: ['HeyGen'],
		out: 'HeyGen',
		path: LIST.v1,
	},
	{
		name: 'HeyGen node, Return All, v3',
		id: 'benchHeyGenNodV3',
		nodes: ['HeyGen'],
		out: 'HeyGen',
		path: LIST.v3,
	},
	{
		name: 'HTTP Request pagination + Split Out',
		id: 'benchHttpPaging1',
		nodes: ['HTTP Request', 'Split Out'],
		out: 'Split Out',
		path: LIST.v1,
	},
];

/**
 * Return All on a busy account: an upload lands after every `every` list pages. Checks that every
 * asset there throughout comes out exactly once.
 * @param {any} n8n @param {import('./lib/heygen-n8n').StandIn} standIn
 * @param {{ size: number, every: number, latencyMs: number }} options
 */
async function busyRows(n8n, standIn, { size, every, latencyMs }) {
	const rows = [];
	for (const variant of VARIANTS.filter((candidate) => candidate.name.startsWith('HeyGen'))) {
		standIn.reseed({ assets: size, folders: 0, seed: 2 });
		standIn.reset();
		const before = standIn.assets.map((asset) => asset.id);
		standIn.set({ busy: { addEvery: every } });
		const result = await executeWorkflow(n8n, variant.id, { timeoutMs: 30 * 60_000 });
		standIn.set({ busy: undefined });
		const listed = nodeItems(result.run, 'HeyGen').map((item) => String(item.id));
		const added = new Set(standIn.busyChanges.added);
		const old = listed.filter((id) => !added.has(id));
		const row = {
			size,
			variant: variant.name.replace(
				'Return All',
				`Return All, busy (an upload every ${every} pages)`,
			),
			status: result.run?.status ?? 'no run',
			items: listed.length,
			uploadsDuring: added.size,
			newListed: listed.length - old.length,
			exactlyOnce:
				new Set(listed).size === listed.length && JSON.stringify(old) === JSON.stringify(before),
			requests: standIn.requestsTo(variant.path).length,
			pages: Math.ceil(size / 100),
			ms: nodeTime(result.run, 'HeyGen'),
			floor: Math.ceil(size / 100) * latencyMs,
		};
		rows.push(row);
		console.log(
			`N=${size} ${row.variant}: ${row.status}, items ${row.items} (${row.newListed} of ${row.uploadsDuring} uploads during it), every old asset once: ${row.exactlyOnce}, requests ${row.requests} (pages ${row.pages}), ${row.ms.toFixed(0)} ms`,
		);
	}
	return rows;
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
	const busySize = Number(arg('busy', '10000'));
	const busyEvery = Number(arg('busy-every', '4'));
	const runtime = await ensureRuntime();
	const set = await startHeyGenN8n({
		account: { assets: 10, folders: 0, latencyMs },
		credentials: [{ id: 'benchHeyGenCred1', name: 'HeyGen' }],
		otherCredentials: (standIn) => [
			{
				id: 'benchHeaderCred1',
				name: 'HeyGen header',
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: standIn.apiKey },
			},
		],
		workflows: (standIn) => workflows(standIn.url),
	});
	const { standIn, n8n } = set;
	/** @type {Array<Record<string, any>>} */
	const rows = [];
	/** @type {Array<Record<string, any>>} */
	let busy = [];
	try {
		console.log(
			`n8n ${runtime.n8nVersion}, Node ${runtime.nodeVersion}; stand-in latency ${latencyMs} ms per request; ${runs} runs each, median shown.\n`,
		);
		for (const size of sizes) {
			standIn.reseed({ assets: size, folders: 0, seed: 1 });
			const pages = Math.ceil(size / 100);
			const floor = pages * latencyMs;
			for (const variant of VARIANTS) {
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
					requests.push(standIn.requestsTo(variant.path).length);
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
					`N=${String(size).padEnd(6)} ${variant.name.padEnd(38)} items ${String(items).padStart(6)}  requests ${String(row.requests).padStart(4)} (pages ${pages})  ` +
						`time ${row.ms.toFixed(0).padStart(6)} ms  floor ${floor} ms  ×${row.ratio.toFixed(2)}  peak RSS ${row.rssMiB.toFixed(0)} MiB`,
				);
			}
		}
		busy = await busyRows(n8n, standIn, { size: busySize, every: busyEvery, latencyMs });
	} finally {
		await set.close();
	}

	/** @type {Array<[string, boolean]>} */
	const targets = [];
	for (const size of sizes) {
		const node = rows.find((r) => r.size === size && r.variant.endsWith('v1'));
		const v3 = rows.find((r) => r.size === size && r.variant.endsWith('v3'));
		const http = rows.find((r) => r.size === size && r.variant.startsWith('HTTP'));
		if (!node || !http || !v3) continue;
		for (const quiet of [node, v3])
			targets.push([
				`N=${size}, ${quiet.variant.slice(-2)}: exactly ceil(N/100) = ${quiet.pages} list requests (node: ${quiet.requests}) and every asset (${quiet.items})`,
				quiet.requests === quiet.pages && quiet.items === size,
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
	for (const row of busy)
		targets.push([
			`busy N=${row.size}, ${row.variant.slice(-2)}: completes with every asset there throughout exactly once, within a few percent more requests than pages (${row.requests} for ${row.pages})`,
			row.status === 'success' && row.exactlyOnce && row.requests <= Math.ceil(row.pages * 1.05),
		]);
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
		`A busy account: ${busySize} assets, and an upload landing after every ${busyEvery}th list page while the node pages (the stand-in's busy mode; v1's token is a keyset cursor, v3's an offset in the stand-in). One execution each.`,
		'',
		'| N | Variant | Status | Items | Uploads during it (listed) | Every old asset exactly once | List requests | Pages | Time (ms) |',
		'| ---: | --- | --- | ---: | ---: | --- | ---: | ---: | ---: |',
		...busy.map(
			(r) =>
				`| ${r.size} | ${r.variant} | ${r.status} | ${r.items} | ${r.uploadsDuring} (${r.newListed}) | ${r.exactlyOnce ? 'yes' : '**no**'} | ${r.requests} | ${r.pages} | ${r.ms.toFixed(0)} |`,
		),
		'',
		'| Target | Result |',
		'| --- | --- |',
		...targets.map(([what, met]) => `| ${what} | ${met ? 'met' : '**not met**'} |`),
		'',
	];
	writeReport('listing', lines);
}

main().catch((error) => {
	console.error(`[bench] ${error.message}`);
	process.exit(1);
});
