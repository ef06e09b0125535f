// @ts-check
/**
 * Drives a real n8n (the pinned runtime from scripts/n8n-runtime.js) without its editor: a fresh
 * user folder with this package linked in, credential and workflow import, `n8n execute`, and
 * `n8n start` for the editor. Shared by the end-to-end tests, `npm start`, the demo and the benchmark.
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(PROJECT_ROOT, 'package.json')).name;
const ENCRYPTION_KEY = 'n8n-nodes-heygen-local-only-key';

/** @typedef {{ runtime: { node: string, n8n: string }, userFolder: string, env: NodeJS.ProcessEnv }} N8nInstance */

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/** @type {string | undefined} */
let packedTarball;

/**
 * This package as npm would publish it (`npm pack` of the built dist/), packed once per process.
 */
function packOnce() {
	if (packedTarball && fs.existsSync(packedTarball)) return packedTarball;
	if (!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'nodes', 'HeyGen', 'HeyGen.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-pack-'));
	const out = execFileSync(
		'npm',
		['pack', '--ignore-scripts', '--json', '--pack-destination', destination],
		{ cwd: PROJECT_ROOT, encoding: 'utf8' },
	);
	packedTarball = path.join(destination, JSON.parse(out)[0].filename);
	process.on('exit', () => fs.rmSync(destination, { recursive: true, force: true }));
	return packedTarball;
}

/**
 * An n8n user folder (fresh unless `folder` is given) with this package installed the way n8n
 * installs a community package: the packed tarball unpacked in .n8n/nodes/node_modules, no
 * node_modules of its own, so the node type is `n8n-nodes-heygen.heyGen` and n8n-workflow is n8n's.
 * With `withPackage: false` the folder has no community packages (a queue-mode worker set up wrong).
 * @param {{ runtime: { node: string, n8n: string }, folder?: string, logLevel?: string, port?: number, env?: NodeJS.ProcessEnv, withPackage?: boolean }} options
 * @returns {Promise<N8nInstance>}
 */
async function createN8n(options) {
	const userFolder = options.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-n8n-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(installed, { recursive: true, force: true });
	fs.mkdirSync(nodesDir, { recursive: true });
	const withPackage = options.withPackage ?? true;
	if (withPackage) {
		fs.mkdirSync(installed, { recursive: true });
		execFileSync('tar', ['-xzf', packOnce(), '-C', installed, '--strip-components=1']);
	}
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({
			name: 'installed-nodes',
			private: true,
			dependencies: withPackage ? { [PACKAGE_NAME]: '*' } : {},
		}),
	);
	const env = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		TMPDIR: process.env.TMPDIR,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_PORT: String(options.port ?? (await freePort())),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_LOG_LEVEL: options.logLevel ?? 'info',
		N8N_LOG_FORMAT: 'json',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		GENERIC_TIMEZONE: 'UTC',
		...options.env,
	};
	return { runtime: options.runtime, userFolder, env };
}

/**
 * Runs one n8n CLI command to its end.
 * @param {N8nInstance} n8n @param {string[]} args
 * @param {{ timeoutMs?: number, signal?: AbortSignal, onSpawn?: (child: import('node:child_process').ChildProcess) => void }} [options]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, ms: number }>}
 */
function n8nCommand(n8n, args, options = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		// stdout goes to a file, not a pipe: n8n exits right after printing a run, and a large run
		// (tens of MB) written to a pipe would be cut short at exit; writes to a file are synchronous.
		const outFile = path.join(
			n8n.userFolder,
			`stdout-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.log`,
		);
		const outFd = fs.openSync(outFile, 'w');
		const child = spawn(n8n.runtime.node, [n8n.runtime.n8n, ...args], {
			env: n8n.env,
			cwd: n8n.userFolder,
			stdio: ['ignore', outFd, 'pipe'],
		});
		options.onSpawn?.(child);
		/** @type {Buffer[]} */
		const err = [];
		child.stderr?.on('data', (chunk) => err.push(chunk));
		const timeoutMs = options.timeoutMs ?? 180_000;
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const onAbort = () => child.kill('SIGTERM');
		options.signal?.addEventListener('abort', onAbort, { once: true });
		const finish = () => {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			fs.closeSync(outFd);
			const stdout = fs.readFileSync(outFile, 'utf8');
			fs.rmSync(outFile, { force: true });
			return stdout;
		};
		child.on('error', (error) => {
			finish();
			reject(error);
		});
		child.on('close', (code, signal) => {
			const stdout = finish();
			const stderr = Buffer.concat(err).toString('utf8');
			if (signal === 'SIGKILL' && Date.now() - started >= timeoutMs) {
				reject(
					new Error(
						`n8n ${args[0]} did not finish within ${timeoutMs / 1000} s.\n${tail(stdout + stderr)}`,
					),
				);
				return;
			}
			resolve({ code, stdout, stderr, ms: Date.now() - started });
		});
	});
}

/** @param {string} text */
function tail(text, lines = 20) {
	return text.trim().split('\n').slice(-lines).join('\n');
}

/** @param {N8nInstance} n8n @param {string} kind @param {unknown[]} entries */
async function importEntries(n8n, kind, entries) {
	const file = path.join(
		n8n.userFolder,
		`import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
	);
	fs.writeFileSync(file, JSON.stringify(entries));
	try {
		const result = await n8nCommand(n8n, [`import:${kind}`, `--input=${file}`]);
		if (result.code !== 0)
			throw new Error(
				`n8n import:${kind} failed (exit ${result.code}):\n${tail(result.stdout + result.stderr)}`,
			);
		return result;
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Imports credentials; `data` is plain, n8n encrypts it with the instance's key.
 * @param {N8nInstance} n8n @param {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>} credentials
 */
async function importCredentials(n8n, credentials) {
	return await importEntries(n8n, 'credentials', credentials);
}

/**
 * Imports workflows. Each gets a versionId when it has none: n8n 2.0 requires one on import.
 * @param {N8nInstance} n8n @param {Array<Record<string, unknown>>} workflows
 */
async function importWorkflows(n8n, workflows) {
	return await importEntries(
		n8n,
		'workflow',
		workflows.map((workflow) => ({ versionId: crypto.randomUUID(), ...workflow })),
	);
}

/**
 * The run object that `n8n execute --rawOutput` prints: with N8N_LOG_FORMAT=json, it is the
 * message of one log line.
 * @param {string} stdout
 */
function parseRun(stdout) {
	for (const line of stdout.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed.startsWith('{')) continue;
		/** @type {any} */
		let entry;
		try {
			entry = JSON.parse(trimmed);
		} catch {
			continue;
		}
		const candidates = [
			entry,
			typeof entry.message === 'string' && entry.message.trim().startsWith('{')
				? safeParse(entry.message)
				: undefined,
		];
		for (const candidate of candidates) {
			if (
				candidate &&
				typeof candidate === 'object' &&
				candidate.data &&
				candidate.data.resultData &&
				'status' in candidate
			)
				return candidate;
		}
	}
	return undefined;
}

/** @param {string} text */
function safeParse(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * Executes an imported workflow headless.
 * @param {N8nInstance} n8n @param {string} workflowId @param {Parameters<typeof n8nCommand>[2]} [options]
 */
async function executeWorkflow(n8n, workflowId, options = {}) {
	const result = await n8nCommand(n8n, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	const run = parseRun(result.stdout);
	return { ...result, run };
}

/**
 * The output items (json) of one node in a run, first run of the node, first output.
 * @param {any} run @param {string} nodeName @returns {Array<Record<string, any>>}
 */
function nodeItems(run, nodeName) {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[0];
	if (!task) return [];
	return (task.data?.main?.[0] ?? []).map(
		(/** @type {{ json: Record<string, any> }} */ item) => item.json,
	);
}

/** The error a run ended with, if any. @param {any} run */
function runError(run) {
	return run?.data?.resultData?.error;
}

/**
 * Starts `n8n start` (the editor and API) and waits until it is ready.
 * @param {N8nInstance} n8n @param {{ onLog?: (line: string) => void, readyTimeoutMs?: number }} [options]
 */
async function startServer(n8n, options = {}) {
	const child = spawn(n8n.runtime.node, [n8n.runtime.n8n, 'start'], {
		env: n8n.env,
		cwd: n8n.userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const url = `http://127.0.0.1:${n8n.env.N8N_PORT}`;
	let exited = false;
	child.on('exit', () => {
		exited = true;
	});
	for (const stream of [child.stdout, child.stderr]) {
		let buffer = '';
		stream.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			const lines = buffer.split('\n');
			buffer = lines.pop() ?? '';
			for (const line of lines) options.onLog?.(line);
		});
	}
	const stop = () =>
		new Promise((resolve) => {
			if (exited) return resolve(undefined);
			child.once('exit', () => resolve(undefined));
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
		});
	const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
	while (Date.now() < deadline) {
		if (exited) throw new Error('n8n start exited before it was ready');
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) return { url, child, stop };
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	await stop();
	throw new Error(`n8n start was not ready within ${(options.readyTimeoutMs ?? 120_000) / 1000} s`);
}

/**
 * Sets up the instance owner through n8n's REST API, so the editor opens with a known login.
 * @param {string} url @param {{ email: string, password: string, firstName: string, lastName: string }} owner
 */
async function setupOwner(url, owner) {
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	if (!response.ok) {
		const text = await response.text();
		if (/already/i.test(text)) return false;
		throw new Error(`Owner setup failed: ${response.status} ${text.slice(0, 300)}`);
	}
	return true;
}

/**
 * Watches a process's peak resident memory (VmHWM, Linux) until it exits.
 * @param {number} pid @returns {{ stop: () => number }} stop() gives the peak in bytes
 */
function watchPeakRss(pid) {
	let peak = 0;
	const read = () => {
		try {
			const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (match) peak = Math.max(peak, Number(match[1]) * 1024);
		} catch {
			// the process has ended; the last reading stands
		}
	};
	const timer = setInterval(read, 50);
	read();
	return {
		stop: () => {
			clearInterval(timer);
			return peak;
		},
	};
}

module.exports = {
	watchPeakRss,
	PROJECT_ROOT,
	PACKAGE_NAME,
	freePort,
	createN8n,
	n8nCommand,
	importCredentials,
	importWorkflows,
	executeWorkflow,
	parseRun,
	nodeItems,
	runError,
	startServer,
	setupOwner,
};
