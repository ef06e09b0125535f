// @ts-check
/**
 * A running local product: the HeyGen backend (stand-in or real), a real n8n with this node,
 * the credential and examples imported, the owner set up. Used by `npm start` and the browser check.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { ensureRuntime } = require('../n8n-runtime');
const {
	PROJECT_ROOT,
	createN8n,
	importCredentials,
	importWorkflows,
	setupOwner,
	startServer,
} = require('./n8n');
const {
	exampleFiles,
	exampleWorkflows,
	heyGenBackend,
	sessionCredentials,
	slackBackend,
} = require('./demo-setup');

const OWNER = {
	email: 'owner@example.com',
	password: 'HeyGen-demo-1',
	firstName: 'Demo',
	lastName: 'Owner',
};

/** Log lines of n8n that are noise on a machine without internet (its own hosts, Python runner). */
const NOISE =
	/ENOTFOUND|EAI_AGAIN|n8n\.io|system task|Strapi|python|task runner|license|owner already setup/i;

/**
 * @param {{ home: string, fresh?: boolean, port?: number, say?: (message: string) => void }} options
 */
async function startSession(options) {
	const say = options.say ?? (() => {});
	const runtime = await ensureRuntime();
	if (options.fresh) fs.rmSync(options.home, { recursive: true, force: true });
	fs.mkdirSync(options.home, { recursive: true });
	const backend = await heyGenBackend();
	const slack = slackBackend();
	/** @type {{ stop: () => Promise<unknown> } | undefined} */
	let server;
	const stop = async () => {
		await server?.stop();
		await backend.close();
	};
	try {
		say(`HeyGen: ${backend.description}`);
		say(`Slack: ${slack.description}`);
		const filesDir = exampleFiles(options.home);
		const n8n = await createN8n({
			runtime,
			folder: options.home,
			port: options.port ?? 5678,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
		});
		say(`n8n ${runtime.n8nVersion} on Node ${runtime.nodeVersion}, user folder ${options.home}`);
		await importCredentials(n8n, sessionCredentials(backend, slack));
		const examples = exampleWorkflows({ slack, filesDir });
		await importWorkflows(n8n, examples);
		say(`imported the "HeyGen account" credential and ${examples.length} example workflows`);
		say('starting n8n (about 10 s)…');
		const started = await startServer(n8n, {
			onLog: (line) => {
				if (/"level":"error"/.test(line) && !NOISE.test(line)) console.error(`[n8n] ${line}`);
			},
		});
		server = started;
		const ownerCreated = await setupOwner(started.url, OWNER);
		return {
			url: started.url,
			child: started.child,
			owner: OWNER,
			ownerCreated,
			examples,
			filesDir,
			backend,
			slack,
			runtime,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

const DEFAULT_HOME = path.join(PROJECT_ROOT, '.n8n-local');

module.exports = { startSession, OWNER, DEFAULT_HOME };
