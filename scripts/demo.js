// @ts-check
/**
 * `npm run demo`: the scheduled asset audit, headless in a real n8n — HeyGen (Return All), then
 * the summary per file type and folder — printed as a table. Against the offline stand-in, or
 * the real HeyGen when HEYGEN_API_KEY is set. Slack is switched off for the run unless
 * SLACK_ACCESS_TOKEN is set (then the summary is posted for real).
 */
'use strict';

const fs = require('node:fs');

const { ensureRuntime } = require('./n8n-runtime');
const {
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	nodeItems,
	runError,
} = require('./lib/n8n');
const {
	exampleWorkflows,
	heyGenBackend,
	sessionCredentials,
	slackBackend,
} = require('./lib/demo-setup');

const AUDIT_ID = 'hgAssetAudit0001';
const HEYGEN_NODE = 'List all HeyGen assets';
const SUMMARY_NODE = 'Summarize by type and folder';
const SLACK_NODE = 'Post to Slack';

/**
 * @param {Array<Record<string, unknown>>} rows @param {Array<[string, string]>} columns key, heading
 */
function table(rows, columns) {
	const cells = rows.map((row) => columns.map(([key]) => String(row[key] ?? '')));
	const widths = columns.map(([, heading], i) =>
		Math.max(heading.length, ...cells.map((line) => line[i].length)),
	);
	const numeric = columns.map(([key]) => rows.every((row) => typeof row[key] === 'number'));
	const format = (/** @type {string[]} */ line) =>
		line
			.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
			.join('  ');
	return [
		format(columns.map(([, heading]) => heading)),
		widths.map((w) => '-'.repeat(w)).join('  '),
		...cells.map(format),
	].join('\n');
}

async function main() {
	const runtime = await ensureRuntime();
	const backend = await heyGenBackend();
	const slack = slackBackend();
	let n8n;
	try {
		console.log(`HeyGen: ${backend.description}`);
		console.log(`Slack: ${slack.description}`);
		n8n = await createN8n({ runtime });
		await importCredentials(n8n, sessionCredentials(backend, slack));
		await importWorkflows(n8n, exampleWorkflows({ slack }));
		console.log(`Running "HeyGen: scheduled asset audit" in n8n ${runtime.n8nVersion} (headless)…`);
		const result = await executeWorkflow(n8n, AUDIT_ID);
		if (result.run?.status !== 'success') {
			const error = runError(result.run);
			throw new Error(
				error
					? `${error.message}${error.description ? ` — ${error.description}` : ''}`
					: `n8n execute exited ${result.code}`,
			);
		}
		const assets = nodeItems(result.run, HEYGEN_NODE);
		const [summary] = nodeItems(result.run, SUMMARY_NODE);
		const requests = backend.standIn
			? ` in ${backend.standIn.requestsTo('/v3/assets').length} list requests (GET /v3/assets)`
			: '';
		console.log(
			`\nThe HeyGen node returned ${assets.length} items${requests}; the execution took ${(result.ms / 1000).toFixed(1)} s.\n`,
		);
		console.log(
			table(summary.rows, [
				['file_type', 'type'],
				['folder', 'folder'],
				['count', 'assets'],
				['newest', 'newest'],
				['oldest', 'oldest'],
				['without_url', 'no url'],
			]),
		);
		const [posted] = slack.credential ? nodeItems(result.run, SLACK_NODE) : [];
		console.log(
			posted
				? `\nPosted to Slack (channel ${posted.channel}):\n${summary.text.split('\n')[0]}`
				: `\nSlack message (Slack is switched off in this run; set SLACK_ACCESS_TOKEN to post it):\n${summary.text.split('\n')[0]}`,
		);
	} finally {
		await backend.close();
		if (n8n) fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`[demo] ${error.message}`);
	process.exit(1);
});
