// @ts-check
/**
 * n8n in queue mode on one machine, for the queue-mode tests and benchmark: Redis and PostgreSQL
 * from Debian's packages (installed when missing and running as root), each started on 127.0.0.1
 * in a throwaway folder; one n8n main (`n8n start`: editor, webhooks, trigger polls) and workers
 * (`n8n worker`), each with its own user folder and the packed package installed in it, as on
 * separate machines. `stop()` ends every process it started and removes the folders.
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { createN8n, freePort, n8nCommand, startServer } = require('./n8n');

const DEBIAN_PACKAGES = { redis: 'redis-server', postgres: 'postgresql' };
const POSTGRES_ROOT = '/usr/lib/postgresql';
const DATABASE = 'n8n';
const DATABASE_USER = 'n8n';
/** n8n warns below 5: fewer makes a worker unstable, it says. */
const WORKER_CONCURRENCY = 5;
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

/**
 * What this module started and has not yet stopped. Should this process end first (an error, Ctrl-C,
 * a kill), the servers go with it and their folders are removed, rather than living on.
 */
const started = {
	/** @type {Set<import('node:child_process').ChildProcess>} */ children: new Set(),
	/** @type {Set<string>} */ dirs: new Set(),
	guarded: false,
};

function endWhatWasStarted() {
	for (const child of started.children) child.kill('SIGKILL');
	for (const dir of started.dirs) fs.rmSync(dir, { recursive: true, force: true });
}

/** @param {import('node:child_process').ChildProcess} child */
function track(child) {
	if (!started.guarded) {
		started.guarded = true;
		process.once('exit', endWhatWasStarted);
		for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']))
			process.once(signal, () => {
				endWhatWasStarted();
				process.kill(process.pid, signal);
			});
	}
	started.children.add(child);
	child.once('exit', () => started.children.delete(child));
}

/** @param {string} file */
function executable(file) {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** @param {string} command */
function onPath(command) {
	return (process.env.PATH ?? '')
		.split(':')
		.map((dir) => path.join(dir, command))
		.find(executable);
}

/** The newest PostgreSQL server's bin folder from Debian's packages, if there is one. */
function postgresBin() {
	if (!fs.existsSync(POSTGRES_ROOT)) return undefined;
	return fs
		.readdirSync(POSTGRES_ROOT)
		.filter((version) => /^\d+$/.test(version))
		.sort((a, b) => Number(b) - Number(a))
		.map((version) => path.join(POSTGRES_ROOT, version, 'bin'))
		.find((bin) => executable(path.join(bin, 'initdb')) && executable(path.join(bin, 'postgres')));
}

function findServers() {
	return { redisServer: onPath('redis-server') ?? undefined, postgres: postgresBin() };
}

/**
 * Installs Debian's packages without starting their services: a policy-rc.d that says no, for the
 * length of the install (the tests start their own servers on free ports).
 * @param {string[]} packages
 */
function aptInstall(packages) {
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !fs.existsSync(policy);
	if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
			env,
			stdio: 'inherit',
		});
	try {
		try {
			install();
		} catch {
			execFileSync('apt-get', ['update'], { env, stdio: 'inherit' });
			install();
		}
	} finally {
		if (ownPolicy) fs.rmSync(policy, { force: true });
	}
}

/**
 * redis-server and PostgreSQL's bin folder, installing Debian's packages for what is missing when
 * this process is root; otherwise an error that says what to install.
 */
function ensureServers() {
	let servers = findServers();
	const missing = [
		servers.redisServer ? undefined : DEBIAN_PACKAGES.redis,
		servers.postgres ? undefined : DEBIAN_PACKAGES.postgres,
	].filter((name) => name !== undefined);
	if (missing.length === 0)
		return /** @type {{ redisServer: string, postgres: string }} */ (servers);
	if (process.getuid?.() !== 0) {
		throw new Error(
			`Queue mode needs Redis and PostgreSQL from Debian's packages; missing: ${missing.join(', ')}.\n` +
				`Install them: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
		);
	}
	process.stderr.write(`Installing Debian's ${missing.join(' and ')} for queue mode…\n`);
	aptInstall(missing);
	servers = findServers();
	if (!servers.redisServer || !servers.postgres)
		throw new Error(`apt-get installed ${missing.join(', ')}, but the servers are still not found`);
	return /** @type {{ redisServer: string, postgres: string }} */ (servers);
}

/**
 * A child process whose output lines are kept (and written to `logFile`), with a way to wait for
 * a line and to stop it.
 * @param {string} command @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, uid?: number, gid?: number, logFile: string, lines?: string[] }} options
 *   `lines` collects the output (a restarted process can carry on its predecessor's)
 */
function startLogged(command, args, options) {
	const child = spawn(command, args, {
		env: options.env,
		cwd: options.cwd,
		uid: options.uid,
		gid: options.gid,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	track(child);
	const lines = options.lines ?? [];
	const start = lines.length;
	const log = fs.createWriteStream(options.logFile);
	/** @type {Array<{ pattern: RegExp, resolve: (line: string) => void }>} */
	let waiting = [];
	for (const stream of [child.stdout, child.stderr]) {
		let buffer = '';
		stream.on('data', (chunk) => {
			log.write(chunk);
			buffer += chunk.toString('utf8');
			const complete = buffer.split('\n');
			buffer = complete.pop() ?? '';
			for (const line of complete) {
				lines.push(line);
				waiting = waiting.filter(
					(waiter) => !(waiter.pattern.test(line) && (waiter.resolve(line), true)),
				);
			}
		});
	}
	let exited = false;
	const exit = new Promise((resolve) =>
		child.once('exit', (code, signal) => {
			exited = true;
			log.end();
			resolve({ code, signal });
		}),
	);
	return {
		child,
		lines,
		exit,
		get exited() {
			return exited;
		},
		/** Resolves with the first line (from now on or already seen) that matches. @param {RegExp} pattern */
		waitForLine(pattern, timeoutMs = START_TIMEOUT_MS) {
			const seen = lines.slice(start).find((line) => pattern.test(line));
			if (seen !== undefined) return Promise.resolve(seen);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					reject(
						new Error(
							`${path.basename(command)} did not log ${pattern} within ${timeoutMs / 1000} s:\n${lines.slice(-15).join('\n')}`,
						),
					);
				}, timeoutMs);
				exit.then(() => {
					clearTimeout(timer);
					reject(
						new Error(
							`${path.basename(command)} exited before logging ${pattern}:\n${lines.slice(-15).join('\n')}`,
						),
					);
				});
				waiting.push({
					pattern,
					resolve: (line) => {
						clearTimeout(timer);
						resolve(line);
					},
				});
			});
		},
		/** Stops it (SIGTERM, then SIGKILL after a grace period), or kills it at once. */
		async stop(signal = /** @type {NodeJS.Signals} */ ('SIGTERM')) {
			if (exited) return;
			child.kill(signal);
			const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
			await exit;
			clearTimeout(force);
		},
	};
}

/** @typedef {ReturnType<typeof startLogged>} LoggedProcess */

/** Resolves once 127.0.0.1:port answers `probe` with a line starting with `expect`. */
async function waitForTcp(
	/** @type {number} */ port,
	/** @type {string} */ probe,
	/** @type {string} */ expect,
) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		const answer = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.setTimeout(1000);
			socket.once('connect', () => socket.write(probe));
			socket.once('data', (data) => {
				socket.destroy();
				resolve(data.toString('utf8'));
			});
			socket.once('error', () => resolve(''));
			socket.once('timeout', () => {
				socket.destroy();
				resolve('');
			});
		});
		if (String(answer).startsWith(expect)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`nothing answered on 127.0.0.1:${port}`);
}

/** Redis on 127.0.0.1, in memory only. @param {string} redisServer @param {string} dir */
async function startRedis(redisServer, dir) {
	const port = await freePort();
	const process_ = startLogged(
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		{ logFile: path.join(dir, 'redis.log') },
	);
	await waitForTcp(port, 'PING\r\n', '+PONG');
	return { port, process: process_ };
}

/** The uid and gid to run PostgreSQL as: it refuses root, so Debian's postgres user then. */
function postgresUser() {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

/**
 * PostgreSQL on 127.0.0.1 with a fresh cluster (trust authentication, loopback only) and an empty
 * database for n8n. Durability is off: this cluster lives for one test run.
 * @param {string} bin @param {string} dir
 */
async function startPostgres(bin, dir) {
	const user = postgresUser();
	const pgDir = path.join(dir, 'postgres');
	fs.mkdirSync(pgDir);
	if (user.uid !== undefined) fs.chownSync(pgDir, user.uid, /** @type {number} */ (user.gid));
	const data = path.join(pgDir, 'data');
	const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' };
	execFileSync(
		path.join(bin, 'initdb'),
		['-D', data, '-U', DATABASE_USER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
		{ env, ...user, cwd: pgDir, stdio: 'ignore' },
	);
	const port = await freePort();
	const server = startLogged(
		path.join(bin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			pgDir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		],
		{ env, cwd: pgDir, ...user, logFile: path.join(dir, 'postgres.log') },
	);
	await server.waitForLine(/ready to accept connections/);
	const psql = (/** @type {string} */ database, /** @type {string} */ sql) =>
		execFileSync(
			path.join(bin, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				DATABASE_USER,
				'-d',
				database,
				'-AtX',
				'-F',
				'\t',
				'-c',
				sql,
			],
			{ env, encoding: 'utf8' },
		);
	psql('postgres', `CREATE DATABASE ${DATABASE}`);
	return {
		port,
		process: server,
		/** Rows of a query on n8n's database, each a list of text fields. @param {string} sql */
		query: (sql) =>
			psql(DATABASE, sql)
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => line.split('\t')),
	};
}

/** @typedef {{ index: number, instance: import('./n8n').N8nInstance, process?: LoggedProcess, lines: string[] }} Worker */

/**
 * Starts Redis, PostgreSQL, one n8n main and `workers` n8n workers in queue mode.
 * @param {{ runtime: { node: string, n8n: string }, workers?: number, binaryDataMode?: 'database' | 'filesystem',
 *   env?: NodeJS.ProcessEnv, beforeStart?: (main: import('./n8n').N8nInstance) => Promise<void> }} options
 *   `binaryDataMode` unset is n8n's default for queue mode (database in n8n 2.x); `beforeStart`
 *   gets the main's instance for n8n CLI commands (imports, publishing) on the shared database
 *   before any n8n process starts.
 */
async function startQueueCluster(options) {
	const servers = ensureServers();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-queue-'));
	fs.chmodSync(dir, 0o755);
	started.dirs.add(dir);
	/** @type {Array<() => Promise<unknown>>} */
	const stops = [];
	const stop = async () => {
		for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
		stops.length = 0;
		fs.rmSync(dir, { recursive: true, force: true });
		started.dirs.delete(dir);
	};
	try {
		const redis = await startRedis(servers.redisServer, dir);
		stops.push(() => redis.process.stop());
		const postgres = await startPostgres(servers.postgres, dir);
		stops.push(() => postgres.process.stop('SIGINT'));
		const binaryDataDir = path.join(dir, 'binary-data');
		/** @type {NodeJS.ProcessEnv} */
		const sharedEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: DATABASE,
			DB_POSTGRESDB_USER: DATABASE_USER,
			DB_POSTGRESDB_PASSWORD: '',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			...(options.binaryDataMode ? { N8N_DEFAULT_BINARY_DATA_MODE: options.binaryDataMode } : {}),
			// One folder that main and workers share, as a network volume would be across machines.
			...(options.binaryDataMode === 'filesystem'
				? { N8N_BINARY_DATA_STORAGE_PATH: binaryDataDir }
				: {}),
			...options.env,
		};
		const folder = (/** @type {string} */ name) => {
			const made = path.join(dir, name);
			fs.mkdirSync(made);
			return made;
		};
		const main = await createN8n({
			runtime: options.runtime,
			folder: folder('main'),
			env: sharedEnv,
		});
		const cli = (/** @type {string[]} */ args) => n8nCommand(main, args);
		await options.beforeStart?.(main);
		/** @type {string[]} */
		const mainLines = [];
		const mainServer = await startServer(main, {
			readyTimeoutMs: START_TIMEOUT_MS,
			onLog: (line) => mainLines.push(line),
		});
		track(mainServer.child);
		stops.push(() => mainServer.stop());
		/** @type {Worker[]} */
		const workers = [];
		/** @param {{ withPackage?: boolean }} [workerOptions] */
		const addWorker = async (workerOptions = {}) => {
			const index = workers.length;
			const instance = await createN8n({
				runtime: options.runtime,
				folder: folder(`worker-${index}`),
				env: sharedEnv,
				withPackage: workerOptions.withPackage,
			});
			/** @type {Worker} */
			const worker = { index, instance, lines: [] };
			workers.push(worker);
			await startWorker(worker);
			stops.push(() => worker.process?.stop() ?? Promise.resolve());
			return worker;
		};
		/** @param {Worker} worker */
		const startWorker = async (worker) => {
			worker.process = startLogged(
				worker.instance.runtime.node,
				[worker.instance.runtime.n8n, 'worker', `--concurrency=${WORKER_CONCURRENCY}`],
				{
					env: worker.instance.env,
					cwd: worker.instance.userFolder,
					logFile: path.join(worker.instance.userFolder, `worker-${Date.now()}.log`),
					lines: worker.lines,
				},
			);
			await worker.process.waitForLine(/n8n worker is now ready/);
		};
		for (let index = 0; index < (options.workers ?? 2); index++) await addWorker();
		/**
		 * The error an execution ended with, from n8n's record (run data is stored "flatted";
		 * read with the runtime's own flatted). @param {string} executionId
		 */
		const executionError = (executionId) => {
			const flatted = require(
				require.resolve('flatted', { paths: [path.dirname(options.runtime.n8n)] }),
			);
			const [[data]] = postgres.query(
				`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
			);
			const error = flatted.parse(data)?.resultData?.error;
			return error
				? `${error.message}${error.description ? ` (${error.description})` : ''}`
				: undefined;
		};
		/** The sizes of the files n8n keeps, in its database's binary_data and in the shared folder. */
		const storedFileSizes = () => ({
			inDatabase: postgres
				.query('SELECT "fileSize" FROM binary_data')
				.map(([size]) => Number(size)),
			onDisk: fs.existsSync(binaryDataDir)
				? fs
						.readdirSync(binaryDataDir, { recursive: true, withFileTypes: true })
						.filter((entry) => entry.isFile())
						.map((entry) => fs.statSync(path.join(entry.parentPath, entry.name)).size)
				: [],
		});
		return {
			url: mainServer.url,
			executionError,
			storedFileSizes,
			main: { instance: main, server: mainServer, lines: mainLines },
			workers,
			addWorker,
			startWorker,
			postgres,
			binaryDataDir,
			cli,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * Which worker ran each execution, from the workers' own log lines ("Worker started execution
 * <id> (job <n>)"), across restarts of a worker.
 * @param {Worker[]} workers @returns {Map<string, number>} execution id → worker index
 */
function executionsByWorker(workers) {
	/** @type {Map<string, number>} */
	const ranBy = new Map();
	for (const worker of workers)
		for (const line of worker.lines)
			for (const match of line.matchAll(/Worker started execution (\d+) \(job/g))
				ranBy.set(match[1], worker.index);
	return ranBy;
}

module.exports = { startQueueCluster, executionsByWorker, ensureServers };
