// @ts-check
/**
 * `npm run test:compat`: the packed package in every pinned n8n of the compatibility matrix (the
 * default runtime and scripts/n8n-runtime/compat/*), a smoke of the end-to-end suite in each, and a
 * table of the results. Exits 1 when a check fails.
 *
 *   node scripts/compat.js [name …]   only these runtimes (default: all)
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureRuntime, runtimeNames } = require('./n8n-runtime');
const { startHeyGenN8n } = require('./lib/heygen-n8n');
const {
	executeWorkflow,
	n8nCommand,
	nodeItems,
	runError,
	setupOwner,
	startServer,
} = require('./lib/n8n');
const {
	heyGenWorkflow,
	triggerToSinkWorkflow,
	uploadFromDiskWorkflow,
} = require('./lib/workflows');

const CREDENTIAL = { id: 'heygenCompatCred', name: 'HeyGen' };
const WRONG = { id: 'heygenCompatBad1', name: 'HeyGen wrong key' };
const OWNER = {
	email: 'owner@example.com',
	password: 'Compat-check-1',
	firstName: 'Compat',
	lastName: 'Check',
};
const SEED = { assets: { image: 100, audio: 80, video: 70 }, folders: 3, seed: 31 };
const LARGE_UPLOAD_BYTES = 33_000_000;

/** @param {string} message */
const say = (message) => process.stderr.write(`[compat] ${message}\n`);

/** @typedef {import('./lib/heygen-n8n').StandIn} StandIn */

/** n8n 1.x and 2.0 answer their health check before their REST API is there. @param {string} url */
async function waitForRest(url) {
	const until = Date.now() + 60_000;
	while (Date.now() < until && (await fetch(`${url}/rest/settings`)).status === 404) {
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Logs the owner in; resolves with the session cookie. @param {string} url */
async function logIn(url) {
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: OWNER.email,
			email: OWNER.email,
			password: OWNER.password,
		}),
	});
	return (login.headers.get('set-cookie') ?? '').split(';')[0];
}

/**
 * Creates a workflow through n8n's REST API, as the editor does, and activates it.
 * @param {string} url @param {string} cookie @param {{ name: string, nodes: unknown[], connections: unknown, settings: unknown }} workflow
 */
async function activateThroughApi(url, cookie, workflow) {
	const headers = { 'content-type': 'application/json', cookie, 'browser-id': 'compat-check' };
	const created = await fetch(`${url}/rest/workflows`, {
		method: 'POST',
		headers,
		body: JSON.stringify({
			name: `${workflow.name} (API)`,
			active: false,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings,
		}),
	});
	const answer = /** @type {any} */ (await created.json());
	const { data } = answer;
	if (!data?.id)
		throw new Error(
			`creating through the API: ${created.status} ${JSON.stringify(answer).slice(0, 300)}`,
		);
	const activated = await fetch(`${url}/rest/workflows/${data.id}/activate`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ versionId: data.versionId }),
	});
	if (!activated.ok)
		throw new Error(
			`activating through the API: ${activated.status} ${(await activated.text()).slice(0, 200)}`,
		);
}

/**
 * Runs the checks in one runtime; returns a row per check.
 * @param {string} name
 * @returns {Promise<{ runtime: string, n8n: string, node: string, checks: Array<{ check: string, ok: boolean, detail?: string }> }>}
 */
async function checkRuntime(name) {
	const runtime = await ensureRuntime(name);
	const files = fs.mkdtempSync(path.join(os.tmpdir(), 'heygen-compat-files-'));
	fs.writeFileSync(
		path.join(files, 'logo.png'),
		Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), crypto.randomBytes(20_000)]),
	);
	fs.writeFileSync(path.join(files, 'long-take.mp4'), Buffer.alloc(LARGE_UPLOAD_BYTES, 5));
	try {
		const set = await startHeyGenN8n({
			runtime,
			account: { ...SEED, fileSizeBytes: 5000 },
			credentials: [CREDENTIAL, { ...WRONG, apiKey: 'not-the-key' }],
			n8n: {
				env: { N8N_RESTRICT_FILE_ACCESS_TO: files, N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
			},
			workflows: (standIn) => compatWorkflows(standIn, files),
		});
		try {
			return await runChecks(name, runtime, set);
		} finally {
			await set.close();
		}
	} finally {
		fs.rmSync(files, { recursive: true, force: true });
	}
}

/** The trigger workflow the matrix activates: a new asset to the stand-in's sink. @param {StandIn} standIn */
const compatTrigger = (standIn) =>
	triggerToSinkWorkflow({
		id: 'compatTrigActive',
		name: 'compat trigger',
		sinkUrl: `${standIn.url}/__sink`,
		credential: CREDENTIAL,
		typeVersion: 2,
	});

/** The matrix's workflows, on the seeded account. @param {StandIn} standIn @param {string} files */
function compatWorkflows(standIn, files) {
	const folder = standIn.folders[1].id;
	const target = standIn.assets[5];
	const victim = standIn.assets[6];
	return [
		heyGenWorkflow('compatV1All00001', { returnAll: true }, CREDENTIAL, 1),
		heyGenWorkflow(
			'compatV1Filter01',
			{
				returnAll: true,
				filters: { fileType: 'video', folderId: { __rl: true, mode: 'id', value: folder } },
			},
			CREDENTIAL,
			1,
		),
		heyGenWorkflow('compatV2All00001', { returnAll: true }, CREDENTIAL, 2),
		heyGenWorkflow(
			'compatGet0000001',
			{ operation: 'get', assetId: { __rl: true, mode: 'id', value: target.id }, download: true },
			CREDENTIAL,
			2,
		),
		heyGenWorkflow(
			'compatDelete0001',
			{ operation: 'delete', assetId: { __rl: true, mode: 'id', value: victim.id } },
			CREDENTIAL,
			2,
		),
		heyGenWorkflow('compatDownload01', { limit: 6, download: true }, CREDENTIAL, 2),
		heyGenWorkflow(
			'compatFolders001',
			{ resource: 'folder', operation: 'getAll', returnAll: true },
			CREDENTIAL,
			2,
		),
		uploadFromDiskWorkflow('compatUpload0001', `${files}/*.{png,mp4}`, CREDENTIAL),
		compatTrigger(standIn),
	];
}

/**
 * The checks in one runtime, on its stand-in and n8n.
 * @param {string} name @param {{ n8nVersion: string, nodeVersion: string }} runtime
 * @param {import('./lib/heygen-n8n').HeyGenN8n} set
 */
async function runChecks(name, runtime, { standIn, n8n }) {
	/** @type {Array<{ check: string, ok: boolean, detail?: string }>} */
	const checks = [];
	/** @param {string} check @param {() => Promise<string | undefined | void>} fn */
	const check = async (check, fn) => {
		try {
			const problem = await fn();
			checks.push({ check, ok: !problem, detail: problem || undefined });
		} catch (error) {
			checks.push({
				check,
				ok: false,
				detail: /** @type {Error} */ (error).message.split('\n')[0],
			});
		}
		const last = checks[checks.length - 1];
		say(`${name}: ${last.ok ? 'ok  ' : 'FAIL'} ${check}${last.detail ? ` — ${last.detail}` : ''}`);
	};
	/** @param {string} id */
	const run = async (id) => {
		const result = await executeWorkflow(n8n, id);
		// n8n 2.0 prints a finished run with status "running".
		const succeeded =
			result.run?.status === 'success' || (result.run?.finished === true && !runError(result.run));
		if (!succeeded) {
			throw new Error(
				`the run ended ${result.run?.status ?? `without a result (exit ${result.code})`}: ${runError(result.run)?.message ?? result.stderr.slice(-300)}`,
			);
		}
		return result.run;
	};
	const ids = (/** @type {Array<Record<string, any>>} */ items) =>
		items.map((item) => item.id).join(',');
	const expectIds = (
		/** @type {Array<Record<string, any>>} */ items,
		/** @type {Array<{ id: string }>} */ expected,
	) =>
		ids(items) === ids(expected)
			? undefined
			: `${items.length} items, not the ${expected.length} expected`;
	/** @type {Awaited<ReturnType<typeof startServer>>} */
	let server = /** @type {any} */ (undefined);
	try {
		const folder = standIn.folders[1].id;
		const trigger = compatTrigger(standIn);
		const target = standIn.assets[5];
		const victim = standIn.assets[6];
		await check('Get Many, node version 1: Return All over pages on v1 (its default)', async () => {
			standIn.reset();
			const run1 = await run('compatV1All00001');
			return (
				expectIds(nodeItems(run1, 'HeyGen'), standIn.assets) ??
				(standIn.requestsTo('/v1/asset/list').length === 3 ? undefined : 'not 3 pages of v1')
			);
		});
		await check('Get Many: file type and folder filters', async () => {
			const expected = standIn.assets.filter(
				(asset) => asset.file_type === 'video' && asset.folder_id === folder,
			);
			return expectIds(nodeItems(await run('compatV1Filter01'), 'HeyGen'), expected);
		});
		await check('Get Many, node version 2: Return All on v3 (its default)', async () => {
			standIn.reset();
			const items = nodeItems(await run('compatV2All00001'), 'HeyGen');
			return (
				expectIds(items, standIn.assets) ??
				(standIn.requestsTo('/v1/asset/list').length === 0 ? undefined : 'v1 was called')
			);
		});
		await check('Get with Download File', async () => {
			const runGet = await run('compatGet0000001');
			const item = runGet.data.resultData.runData.HeyGen[0].data.main[0][0];
			if (item.json.id !== target.id) return `got ${item.json.id}`;
			return item.binary?.data ? undefined : 'no file';
		});
		await check('Get Many with Download Files', async () => {
			const items = (await run('compatDownload01')).data.resultData.runData.HeyGen[0].data.main[0];
			const missing = items.filter(
				(/** @type {any} */ item) => item.json.url && !item.binary?.data,
			);
			return items.length === 6 && missing.length === 0
				? undefined
				: `${items.length} items, ${missing.length} without their file`;
		});
		await check('Delete, then a second delete is a 404 error', async () => {
			const deleted = nodeItems(await run('compatDelete0001'), 'HeyGen');
			if (JSON.stringify(deleted) !== JSON.stringify([{ id: victim.id, deleted: true }]))
				return `output ${JSON.stringify(deleted)}`;
			const again = await executeWorkflow(n8n, 'compatDelete0001');
			return runError(again.run)?.message === `HeyGen has no asset with ID "${victim.id}"`
				? undefined
				: `second delete: ${runError(again.run)?.message}`;
		});
		await check('Folder → Get Many', async () =>
			expectIds(nodeItems(await run('compatFolders001'), 'HeyGen'), standIn.folders),
		);
		await check(
			'Upload from Read Files from Disk: one request, and the direct upload above 32 MB',
			async () => {
				standIn.reset();
				await run('compatUpload0001');
				const via = standIn.uploads
					.map((upload) => `${upload.fileName}:${upload.via}:${upload.size}`)
					.sort()
					.join(' ');
				return via === `logo.png:multipart:20004 long-take.mp4:direct:${LARGE_UPLOAD_BYTES}`
					? undefined
					: `uploads ${via || 'none'}`;
			},
		);
		server = await startServer(n8n);
		await check(
			'the credential test: OK with the key, a clear error with a wrong one',
			async () => {
				await waitForRest(server.url);
				await setupOwner(server.url, OWNER);
				const cookie = await logIn(server.url);
				/** @param {string} apiKey */
				const test = async (apiKey) => {
					const response = await fetch(`${server.url}/rest/credentials/test`, {
						method: 'POST',
						headers: { 'content-type': 'application/json', cookie, 'browser-id': 'compat-check' },
						body: JSON.stringify({
							credentials: {
								id: CREDENTIAL.id,
								name: 'HeyGen',
								type: 'heyGenApi',
								data: { apiKey, baseUrl: standIn.url },
							},
						}),
					});
					return /** @type {any} */ (await response.json()).data ?? {};
				};
				const good = await test(standIn.apiKey);
				const bad = await test('not-the-key');
				if (good.status !== 'OK') return `right key: ${JSON.stringify(good)}`;
				// n8n 2.x shows the credential's own message; n8n 1.x its generic one for a 401.
				const clear = /rejected the API key|Authorization failed - please check your credentials/;
				return bad.status === 'Error' && clear.test(bad.message)
					? undefined
					: `wrong key: ${JSON.stringify(bad)}`;
			},
		);
		await check('HeyGen Trigger activated: one poll by n8n delivers a new asset once', async () => {
			standIn.reset();
			await server.stop();
			const published = await n8nCommand(n8n, ['publish:workflow', '--id=compatTrigActive']);
			server = await startServer(n8n);
			// n8n 2.0's CLI cannot publish an imported workflow (it has no history version): the editor's way.
			if (published.code !== 0) {
				await waitForRest(server.url);
				await activateThroughApi(server.url, await logIn(server.url), trigger);
			}
			const until = Date.now() + 60_000;
			while (standIn.requestsTo('/v3/assets').length === 0 && Date.now() < until)
				await new Promise((resolve) => setTimeout(resolve, 200));
			if (standIn.requestsTo('/v3/assets').length === 0) return 'n8n did not poll at activation';
			const added = standIn.addAsset();
			const deadline = Date.now() + 75_000;
			while (standIn.sink.length === 0 && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 500));
			await new Promise((resolve) => setTimeout(resolve, 1500));
			const delivered = standIn.sink.map((entry) => /** @type {any} */ (entry).id);
			return JSON.stringify(delivered) === JSON.stringify([added.id])
				? undefined
				: `delivered ${JSON.stringify(delivered)}`;
		});
	} finally {
		await server?.stop();
	}
	return { runtime: name, n8n: runtime.n8nVersion, node: runtime.nodeVersion, checks };
}

async function main() {
	const names = process.argv.slice(2).length ? process.argv.slice(2) : runtimeNames();
	const results = [];
	for (const name of names) {
		try {
			results.push(await checkRuntime(name));
		} catch (error) {
			// A runtime that cannot even be set up is a failed row, not the end of the matrix.
			say(`${name}: FAIL ${/** @type {Error} */ (error).message.split('\n')[0]}`);
			results.push({
				runtime: name,
				n8n: name,
				node: '?',
				checks: [{ check: 'set up n8n with the package', ok: false }],
			});
		}
	}
	const checkNames = [...new Set(results.flatMap((r) => r.checks.map((entry) => entry.check)))];
	console.log(`\n| Check | ${results.map((r) => `n8n ${r.n8n} (Node ${r.node})`).join(' | ')} |`);
	console.log(`| --- | ${results.map(() => ':---:').join(' | ')} |`);
	for (const name of checkNames) {
		const cells = results.map((r) =>
			r.checks.find((entry) => entry.check === name)?.ok ? 'pass' : 'FAIL',
		);
		console.log(`| ${name} | ${cells.join(' | ')} |`);
	}
	const failed = results.flatMap((r) =>
		r.checks.filter((entry) => !entry.ok).map((entry) => `${r.runtime}: ${entry.check}`),
	);
	const passed = results.reduce((sum, r) => sum + r.checks.filter((entry) => entry.ok).length, 0);
	console.log(`\ncompat: ${passed} passed, ${failed.length} failed`);
	if (failed.length) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
