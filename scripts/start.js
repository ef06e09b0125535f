// @ts-check
/**
 * `npm start`: a real n8n with this node loaded, the HeyGen stand-in (or the real HeyGen with
 * HEYGEN_API_KEY), the credential and the example workflows imported, the owner account set up.
 * Prints the editor's URL and login. Ctrl-C stops everything it started.
 *
 * Environment: N8N_PORT (default 5678), HEYGEN_API_KEY, HEYGEN_BASE_URL, N8N_HEYGEN_HOME (the n8n
 * user folder, default .n8n-local/ in this checkout), FRESH=1 to start from an empty user folder.
 */
'use strict';

const path = require('node:path');

const { DEFAULT_HOME, startSession } = require('./lib/session');

/** @param {string} message */
const say = (message) => console.log(`[start] ${message}`);

async function main() {
	/** @type {Awaited<ReturnType<typeof startSession>> | undefined} */
	let session;
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the stand-in…');
		await session?.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	try {
		session = await startSession({
			home: path.resolve(process.env.N8N_HEYGEN_HOME || DEFAULT_HOME),
			fresh: process.env.FRESH === '1',
			port: Number(process.env.N8N_PORT || 5678),
			say,
		});
	} catch (error) {
		console.error(`[start] ${/** @type {Error} */ (error).message}`);
		process.exit(1);
	}
	const { url, owner, ownerCreated, examples, backend, slack } = session;
	console.log('');
	console.log(`  n8n editor:  ${url}`);
	console.log(
		`  login:       ${owner.email} / ${owner.password}${ownerCreated ? '' : ' (as set up on an earlier start)'}`,
	);
	// n8n opens on its assistant screen after a login, not on the workflows.
	console.log(
		'               (after the login, open a workflow below: n8n first shows its assistant)',
	);
	console.log(
		`  workflows:   ${examples.map((workflow) => `${workflow.name}: ${url}/workflow/${workflow.id}`).join('\n               ')}`,
	);
	console.log(`  HeyGen:      ${backend.description}`);
	console.log(`  Slack:       ${slack.description}`);
	console.log('');
	say('ready. Ctrl-C stops n8n and the stand-in.');
	session.child.on('exit', (code) => {
		if (!stopping) {
			console.error(`[start] n8n exited (${code})`);
			void stop(1);
		}
	});
}

void main();
