/**
 * The one set-up the e2e suites, the queue suite and the benchmarks share: a stand-in HeyGen, a
 * fresh n8n user folder with this package linked in, and HeyGen API credentials pointing the one at
 * the other. A caller adds only its workflows; `close()` stops the stand-in and removes the folder.
 */
const fs = require('node:fs');

const { ensureRuntime } = require('../n8n-runtime');
const { createN8n, importCredentials, importWorkflows } = require('./n8n');
const { startStandIn } = require('../../test/stand-in/heygen-stand-in');

/** @typedef {Awaited<ReturnType<typeof startStandIn>>} StandIn */
/** @typedef {NonNullable<Parameters<typeof startStandIn>[0]>} StandInOptions */
/** @typedef {Awaited<ReturnType<typeof createN8n>>} N8n */
/** @typedef {Omit<Parameters<typeof createN8n>[0], 'runtime'>} N8nOptions */
/** @typedef {{ id: string, name: string, apiKey?: string }} CredentialRef a credential as workflows name it; apiKey: the stand-in's own by default */
/** @typedef {{ standIn: StandIn, n8n: N8n, close: () => Promise<void> }} HeyGenN8n */

/** Setting up n8n (install check, database migrations) takes minutes on a cold machine. */
const SET_UP_TIMEOUT_MS = 10 * 60_000;

/**
 * The HeyGen API credential n8n imports for `ref`, aimed at the stand-in.
 * @param {StandIn} standIn @param {CredentialRef} ref
 */
function heyGenCredential(standIn, ref) {
	return {
		id: ref.id,
		name: ref.name,
		type: 'heyGenApi',
		data: { apiKey: ref.apiKey ?? standIn.apiKey, baseUrl: standIn.url },
	};
}

/**
 * A stand-in with `account`, an n8n (the default runtime unless `runtime` says) with `n8n`'s options, the HeyGen `credentials` (and any
 * `otherCredentials`) imported, then the workflows `workflows` builds (they may need the stand-in).
 * @param {{
 *   account: StandInOptions,
 *   runtime?: Awaited<ReturnType<typeof ensureRuntime>>,
 *   credentials: CredentialRef[],
 *   otherCredentials?: (standIn: StandIn) => Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>,
 *   n8n?: N8nOptions,
 *   workflows?: (standIn: StandIn) => Array<Record<string, any>>,
 * }} options
 * @returns {Promise<HeyGenN8n>}
 */
async function startHeyGenN8n(options) {
	const standIn = await startStandIn(options.account);
	/** @type {N8n | undefined} */
	let n8n;
	const close = async () => {
		await standIn.close();
		if (n8n) fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	};
	try {
		n8n = await createN8n({ ...options.n8n, runtime: options.runtime ?? (await ensureRuntime()) });
		await importCredentials(n8n, [
			...options.credentials.map((ref) => heyGenCredential(standIn, ref)),
			...(options.otherCredentials?.(standIn) ?? []),
		]);
		const workflows = options.workflows?.(standIn) ?? [];
		if (workflows.length > 0) await importWorkflows(n8n, workflows);
		return { standIn, n8n, close };
	} catch (error) {
		await close();
		throw error;
	}
}

/**
 * Runs `use` on a fresh stand-in and n8n, and closes both whatever happens.
 * @template T
 * @param {Parameters<typeof startHeyGenN8n>[0]} options @param {(set: HeyGenN8n) => Promise<T>} use
 * @returns {Promise<T>}
 */
async function withHeyGenN8n(options, use) {
	const set = await startHeyGenN8n(options);
	try {
		return await use(set);
	} finally {
		await set.close();
	}
}

module.exports = { SET_UP_TIMEOUT_MS, heyGenCredential, startHeyGenN8n, withHeyGenN8n };
