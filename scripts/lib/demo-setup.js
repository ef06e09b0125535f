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

/** A plausible account: a few hundred assets of each type, in folders. */
const DEMO_ACCOUNT = { assets: { image: 320, audio: 240, video: 210 }, folders: 6, seed: 2026 };

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

/**
 * The workflows in examples/, Slack set up as `slack` says: its channel, or switched off with a note
 * on the canvas that says why and how to switch it on.
 * @param {{ slack?: ReturnType<typeof slackBackend> }} [options] Slack off unless given one with a credential
 * @returns {Array<Record<string, any>>}
 */
function exampleWorkflows(options = {}) {
	const dir = path.join(PROJECT_ROOT, 'examples');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
			for (const node of workflow.nodes.filter(
				(/** @type {{ type: string }} */ n) => n.type === SLACK_NODE_TYPE,
			)) {
				if (!options.slack?.credential)
					Object.assign(node, { disabled: true, notes: SLACK_OFF_NOTE, notesInFlow: true });
				else if (options.slack.channel)
					node.parameters.channelId = {
						...node.parameters.channelId,
						value: options.slack.channel,
					};
			}
			return workflow;
		});
}

module.exports = {
	EXAMPLE_CREDENTIAL,
	DEMO_ACCOUNT,
	SLACK_OFF_NOTE,
	heyGenBackend,
	slackBackend,
	sessionCredentials,
	exampleWorkflows,
};
