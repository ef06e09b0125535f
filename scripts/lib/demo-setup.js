// @ts-check
/**
 * What `npm start`, `npm run demo` and the benchmark share: the HeyGen to talk to (the offline
 * stand-in seeded as a plausible account, or the real HeyGen when HEYGEN_API_KEY is set), the
 * credential n8n gets for it, Slack for the audit's last step, and the example workflows.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { startStandIn } = require('../../test/stand-in/heygen-stand-in');
const { PROJECT_ROOT } = require('./n8n');

/** The credential the example workflows refer to. */
const EXAMPLE_CREDENTIAL = { id: 'heygenDemoCred01', name: 'HeyGen account' };

/**
 * A plausible account: a few hundred assets of each type, in folders, uploaded over the last year up
 * to now (so that the clean-up's 180 days finds old assets to list).
 */
const DEMO_ACCOUNT = {
	assets: { image: 320, audio: 240, video: 210 },
	folders: 6,
	seed: 2026,
	spanDays: 365,
	videos: 48,
};

/** The demo's renders in progress finish this long after the stand-in starts (Video Completed has something to see). */
const DEMO_RENDER_MS = 2 * 60 * 1000;

/**
 * The HeyGen the session talks to.
 * @param {{ latencyMs?: number, port?: number }} [options]
 */
async function heyGenBackend(options = {}) {
	const realKey = process.env.HEYGEN_API_KEY;
	if (realKey) {
		const baseUrl = process.env.HEYGEN_BASE_URL || 'https://api.heygen.com';
		return {
			kind: /** @type {const} */ ('heygen'),
			description: `the real HeyGen API at ${baseUrl} (HEYGEN_API_KEY is set)`,
			credential: { ...EXAMPLE_CREDENTIAL, type: 'heyGenApi', data: { apiKey: realKey, baseUrl } },
			standIn: undefined,
			close: async () => {},
		};
	}
	const standIn = await startStandIn({
		...DEMO_ACCOUNT,
		newestTs: Math.floor(Date.now() / 1000) - 3600,
		renderAfterMs: DEMO_RENDER_MS,
		latencyMs: options.latencyMs ?? 20,
		port: options.port,
	});
	return {
		kind: /** @type {const} */ ('stand-in'),
		description: `the offline HeyGen stand-in at ${standIn.url} (${standIn.assets.length} assets in ${standIn.folders.length} folders; set HEYGEN_API_KEY to use the real HeyGen)`,
		credential: {
			...EXAMPLE_CREDENTIAL,
			type: 'heyGenApi',
			data: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		},
		standIn,
		close: () => standIn.close(),
	};
}

/** The Slack credential the audit example refers to. */
const SLACK_CREDENTIAL = { id: 'slackDemoCred001', name: 'Slack account' };
const SLACK_NODE_TYPE = 'n8n-nodes-base.slack';

/**
 * Why Slack is off without a token. n8n's Slack node always calls https://slack.com/api (no base URL
 * to set), so no local stand-in can answer it; with the step on and no credential, the audit would
 * end red at its last node.
 */
const SLACK_OFF_NOTE =
	"Switched off: this n8n has no Slack credential (n8n's Slack node only talks to slack.com, so the offline demo has no Slack to post to). " +
	'To post for real: start with SLACK_ACCESS_TOKEN=xoxb-… (and SLACK_CHANNEL), or create a Slack credential here, pick it, and switch the node on (D).';

/**
 * Slack for the audit's last step: the real Slack when SLACK_ACCESS_TOKEN (a bot token) is set,
 * posting to SLACK_CHANNEL (else the example's channel); otherwise none, and the step is switched off.
 */
function slackBackend() {
	const token = process.env.SLACK_ACCESS_TOKEN;
	if (!token)
		return {
			credential: undefined,
			channel: undefined,
			description: 'switched off (set SLACK_ACCESS_TOKEN to post to Slack)',
		};
	const channel = process.env.SLACK_CHANNEL || undefined;
	return {
		credential: { ...SLACK_CREDENTIAL, type: 'slackApi', data: { accessToken: token } },
		channel,
		description: `the real Slack (SLACK_ACCESS_TOKEN is set)${channel ? `, channel ${channel}` : ''}`,
	};
}

/**
 * The credentials n8n gets: HeyGen's, and Slack's when there is one.
 * @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} Credential
 * @param {{ credential: Credential }} heyGen @param {ReturnType<typeof slackBackend>} slack
 * @returns {Credential[]}
 */
function sessionCredentials(heyGen, slack) {
	return slack.credential ? [heyGen.credential, slack.credential] : [heyGen.credential];
}

/** Where the examples read and write files in n8n's Docker image (n8n's default allowed folder there). */
const DOCKER_FILES = '/home/node/.n8n-files';

/** What the audit's note says of Slack, and what it says in an n8n without a Slack credential. */
const AUDIT_SLACK_STEP = '2. Pick your Slack credential and channel in *Post to Slack*.';
const AUDIT_SLACK_OFF_STEP =
	'2. *Post to Slack* is switched off in this n8n (no Slack credential): the summary is the output of *Summarize by type and folder*. To post it, create a Slack credential, pick it and a channel in *Post to Slack*, and switch the node on (D).';

/**
 * One example as `npm start` imports it: Slack set up as `slack` says (its channel, or switched off
 * with a note that says why and how to switch it on), and the Docker folder of the file examples
 * replaced by `filesDir` where one is given.
 * @param {Record<string, any>} workflow @param {{ slack?: ReturnType<typeof slackBackend>, filesDir?: string }} options
 */
function forThisN8n(workflow, options) {
	for (const node of workflow.nodes) {
		if (node.type === SLACK_NODE_TYPE) {
			if (!options.slack?.credential)
				Object.assign(node, { disabled: true, notes: SLACK_OFF_NOTE, notesInFlow: true });
			else if (options.slack.channel)
				node.parameters.channelId = { ...node.parameters.channelId, value: options.slack.channel };
		}
		if (node.type === 'n8n-nodes-base.stickyNote' && !options.slack?.credential)
			node.parameters.content = node.parameters.content.replace(
				AUDIT_SLACK_STEP,
				AUDIT_SLACK_OFF_STEP,
			);
	}
	if (!options.filesDir) return workflow;
	return JSON.parse(JSON.stringify(workflow).split(DOCKER_FILES).join(options.filesDir));
}

/**
 * The workflows in examples/, as this n8n imports them (see forThisN8n).
 * @param {{ slack?: ReturnType<typeof slackBackend>, filesDir?: string }} [options] Slack off unless given one with a credential
 * @returns {Array<Record<string, any>>}
 */
function exampleWorkflows(options = {}) {
	const dir = path.join(PROJECT_ROOT, 'examples');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => forThisN8n(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), options));
}

/** A few files for the upload example to send, where its folder has none yet. @param {string} folder */
function seedUploadFolder(folder) {
	fs.mkdirSync(folder, { recursive: true });
	if (fs.readdirSync(folder).length > 0) return;
	const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 7)]);
	fs.writeFileSync(path.join(folder, 'welcome-card.png'), png);
	const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(4096, 3)]);
	fs.writeFileSync(path.join(folder, 'intro-jingle.mp3'), mp3);
}

/**
 * The folder the file examples use under `npm start` (n8n may touch only it: N8N_RESTRICT_FILE_ACCESS_TO),
 * with the backup's target and the upload's source in it.
 * @param {string} home the n8n user folder
 */
function exampleFiles(home) {
	const filesDir = path.join(home, 'files');
	fs.mkdirSync(path.join(filesDir, 'heygen-backup'), { recursive: true });
	fs.mkdirSync(path.join(filesDir, 'heygen-videos'), { recursive: true });
	fs.mkdirSync(path.join(filesDir, 'heygen-renders'), { recursive: true });
	seedUploadFolder(path.join(filesDir, 'to-heygen'));
	return filesDir;
}

module.exports = {
	EXAMPLE_CREDENTIAL,
	DEMO_ACCOUNT,
	SLACK_OFF_NOTE,
	AUDIT_SLACK_OFF_STEP,
	DOCKER_FILES,
	exampleFiles,
	heyGenBackend,
	slackBackend,
	sessionCredentials,
	exampleWorkflows,
};
