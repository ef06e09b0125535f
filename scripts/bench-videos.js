// @ts-check
/**
 * `npm run bench:videos`: what the video half costs, in one real n8n against the stand-in with a
 * fixed latency per request.
 * - A backup listing: Video → Get Many, Return All, over 1,000 videos: requests and time.
 * - Polls of Video Completed under `n8n start`: the activation poll, a quiet scheduled poll, and one
 *   after renders finished (some on the first page, some pushed below it), counted request by request.
 * Prints figures and writes bench-results/videos.md; asserts nothing.
 *
 *   --videos 1000   the library's size;  --latency 20   ms the stand-in waits before each answer
 */
'use strict';

const { arg } = require('./lib/args');
const { writeReport } = require('./lib/bench-report');
const { ensureRuntime } = require('./n8n-runtime');
const { startHeyGenN8n } = require('./lib/heygen-n8n');
const { executeWorkflow, n8nCommand, startServer } = require('./lib/n8n');
const { heyGenWorkflow, triggerToSinkWorkflow } = require('./lib/workflows');

const CREDENTIAL = { id: 'benchVideosCred1', name: 'HeyGen' };
const LISTING_ID = 'benchVideoList01';
const TRIGGER_ID = 'benchVideoPoll01';

/** Waits until `check` is true, polling every 250 ms, up to `ms`. @param {() => boolean} check @param {number} ms */
async function until(check, ms) {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('the bench waited too long');
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** The API requests since `from`, by path family. @param {Array<{ path: string }>} requests */
function costOf(requests) {
	const families = { list: 0, statuses: 0, get: 0 };
	for (const { path } of requests) {
		if (path === '/v3/videos') families.list += 1;
		else if (path === '/v3/videos/statuses') families.statuses += 1;
		else if (path.startsWith('/v3/videos/')) families.get += 1;
	}
	return families;
}

async function main() {
	const count = Number(arg('videos', '1000'));
	const latencyMs = Number(arg('latency', '20'));
	const runtime = await ensureRuntime();
	const newestTs = Math.floor(Date.now() / 1000) - 600;
	const set = await startHeyGenN8n({
		account: { assets: 1, folders: 3, videos: count, seed: 5, latencyMs, newestTs },
		credentials: [CREDENTIAL],
		workflows: (standIn) => [
			heyGenWorkflow(LISTING_ID, { resource: 'video', returnAll: true }, CREDENTIAL, 2),
			triggerToSinkWorkflow({
				id: TRIGGER_ID,
				name: 'bench: Video Completed',
				sinkUrl: `${standIn.url}/__sink`,
				credential: CREDENTIAL,
				typeVersion: 2,
				parameters: { event: 'videoCompleted' },
				body: '={{ JSON.stringify({ id: $json.id }) }}',
			}),
		],
	});
	const { standIn, n8n } = set;
	/** @type {string[]} */
	const lines = [];
	try {
		standIn.reset();
		const started = Date.now();
		const listed = await executeWorkflow(n8n, LISTING_ID);
		const listingMs = Date.now() - started;
		if (listed.run?.status !== 'success') throw new Error('the listing failed');
		const listRequests = standIn.requestsTo('/v3/videos').length;
		console.log(
			`Get Many, Return All, ${count} videos: ${listRequests} requests, ${listingMs} ms for n8n execute (floor ${listRequests * latencyMs} ms of latency)`,
		);

		standIn.reset();
		if ((await n8nCommand(n8n, ['publish:workflow', `--id=${TRIGGER_ID}`])).code !== 0)
			throw new Error('publish failed');
		const server = await startServer(n8n);
		try {
			const lists = () => standIn.requestsTo('/v3/videos').length;
			await until(() => lists() > 0, 60_000);
			await new Promise((resolve) => setTimeout(resolve, 3000));
			const activation = costOf(standIn.requests.filter((r) => r.path.startsWith('/v3/')));
			const mark = standIn.requests.length;
			await until(() => lists() > activation.list, 75_000);
			await new Promise((resolve) => setTimeout(resolve, 3000));
			const quiet = costOf(standIn.requests.slice(mark).filter((r) => r.path.startsWith('/v3/')));
			// Renders finish: the ones running since activation, and 150 new ones, most pushed off the first page.
			const running = standIn.videos.filter(
				(v) => v.status === 'pending' || v.status === 'processing',
			);
			for (const video of running) standIn.finishVideo(video.id, 'completed');
			for (let i = 0; i < 150; i++) standIn.addVideo({ status: 'completed' });
			const before = standIn.requests.length;
			const listsBefore = lists();
			await until(() => lists() > listsBefore, 75_000);
			await until(() => standIn.sink.length >= running.length + 150, 30_000);
			const busy = costOf(standIn.requests.slice(before).filter((r) => r.path.startsWith('/v3/')));
			const rows = [
				['activation (reads a week back, watches what runs)', activation],
				['a quiet scheduled poll', quiet],
				[`a poll after ${running.length} watched and 150 new renders finished`, busy],
			];
			for (const [what, cost] of rows) console.log(`${what}: ${JSON.stringify(cost)}`);
			lines.push(
				'# Videos: a backup listing and the video events’ polls',
				'',
				`Written by \`npm run bench:videos\` on ${new Date().toISOString().slice(0, 10)}: n8n ${runtime.n8nVersion}, the stand-in with ${count} videos and ${latencyMs} ms per request.`,
				'',
				`Video → Get Many, Return All, ${count} videos: **${listRequests} requests** (one per 100), ${listingMs} ms for the whole \`n8n execute\` (n8n's own start included).`,
				'',
				'| Video Completed poll | GET /v3/videos | GET /v3/videos/statuses | GET /v3/videos/{id} |',
				'| --- | ---: | ---: | ---: |',
				...rows.map(
					([what, cost]) =>
						`| ${what} | ${/** @type {any} */ (cost).list} | ${/** @type {any} */ (cost).statuses} | ${/** @type {any} */ (cost).get} |`,
				),
				'',
			);
		} finally {
			await server.stop();
		}
	} finally {
		await set.close();
	}
	writeReport('videos', lines);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
