// @ts-check
/**
 * What `npm start`, `npm run demo` and the benchmark share: the HeyGen to talk to (the offline
 * stand-in seeded as a plausible account, or the real HeyGen when HEYGEN_API_KEY is set), the
 * credential n8n gets for it, and the example workflows.
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

/**
 * The workflows in examples/.
 * @param {{ disable?: string[] }} [options] node types to switch off (e.g. Slack in a headless run)
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
			for (const node of workflow.nodes)
				if (options.disable?.includes(node.type)) node.disabled = true;
			return workflow;
		});
}

module.exports = { EXAMPLE_CREDENTIAL, DEMO_ACCOUNT, heyGenBackend, exampleWorkflows };
