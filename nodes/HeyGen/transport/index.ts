import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { heyGenContractError, heyGenErrorMessage, heyGenStatusError } from './errors';

export const CREDENTIAL_TYPE = 'heyGenApi';

/**
 * How each request is retried and how long it may take. Exported so that the README and the tests
 * speak of the same numbers (the fault-matrix tests shorten the waits; nothing else changes them).
 */
export const RETRY_POLICY = {
	/** Retries after the first attempt. */
	retries: 3,
	/** Backoff before retry n (from 0) is baseDelayMs × 2^n unless HeyGen sends Retry-After. */
	baseDelayMs: 1000,
	/** Retry-After is honoured up to this wait. */
	maxDelayMs: 30_000,
	/** A request that has not answered in this time is aborted (and retried). */
	timeoutMs: 30_000,
};

/** Connection-level failures worth another attempt. */
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ERR_BAD_RESPONSE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export type HeyGenContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

interface NetworkFailure {
	code?: string;
	message: string;
	cancelled: boolean;
}

/** What the request helper threw, reduced to facts that carry no request data (and so no key). */
function networkFailure(error: unknown): NetworkFailure {
	const candidates: unknown[] = [error];
	if (error && typeof error === 'object' && 'cause' in error) candidates.push(error.cause);
	let code: string | undefined;
	let message = error instanceof Error ? error.message : String(error);
	for (const candidate of candidates) {
		if (candidate && typeof candidate === 'object') {
			const record = candidate as { code?: unknown; message?: unknown; name?: unknown };
			if (typeof record.code === 'string' && code === undefined) code = record.code;
			if (typeof record.message === 'string' && candidate !== error) message = record.message;
		}
	}
	const cancelled =
		code === 'ERR_CANCELED' ||
		candidates.some(
			(candidate) =>
				candidate instanceof Error &&
				(candidate.name === 'CanceledError' || candidate.name === 'AbortError'),
		);
	return { code, message, cancelled };
}

/** Milliseconds to wait as a Retry-After header asks (seconds or an HTTP date), if it says. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

export function backoffMs(retryIndex: number, retryAfterHeader?: unknown): number {
	const asked = retryAfterMs(retryAfterHeader);
	const wait = asked ?? RETRY_POLICY.baseDelayMs * 2 ** retryIndex;
	return Math.min(wait, RETRY_POLICY.maxDelayMs);
}

/**
 * Something looked up once per node run and shared by every request of that run, held only as long
 * as the run's context object lives. A failure is not kept: the next call looks it up again.
 */
export async function oncePerRun<T>(
	map: WeakMap<object, Promise<T>>,
	context: HeyGenContext,
	load: () => Promise<T>,
): Promise<T> {
	let pending = map.get(context);
	if (!pending) {
		pending = load();
		map.set(context, pending);
		pending.then(undefined, () => map.delete(context));
	}
	return await pending;
}

/**
 * The credential, decrypted once per node run and handed to every request of that run: n8n would
 * otherwise read and decrypt it from its database twice per page.
 */
const credentialsByRun = new WeakMap<object, Promise<ICredentialDataDecryptedObject>>();

function cancelSignal(context: HeyGenContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

function parseJson(body: unknown): { ok: true; value: unknown } | { ok: false; text: string } {
	if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
		return { ok: true, value: body };
	}
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, text };
	}
}

function headerValue(headers: IN8nHttpFullResponse['headers'], name: string): unknown {
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === name) return value;
	}
	return undefined;
}

function snippet(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/**
 * GET a HeyGen API endpoint with the node's HeyGen API credential.
 *
 * Retries 429, 5xx and connection failures (RETRY_POLICY); any other answer that is not a
 * documented success becomes a NodeApiError. Resolves with the parsed JSON body.
 */
export async function heyGenApiRequest(
	this: HeyGenContext,
	endpoint: string,
	qs: IDataObject = {},
	itemIndex?: number,
): Promise<IDataObject> {
	const credentials = await oncePerRun(credentialsByRun, this, async () => await this.getCredentials(CREDENTIAL_TYPE));
	const baseURL = String(credentials.baseUrl || 'https://api.heygen.com').replace(/\/+$/, '');
	const node = this.getNode();
	const reference = node.credentials?.[CREDENTIAL_TYPE];
	const credentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: credentials,
	};
	const signal = cancelSignal(this);

	for (let attempt = 0; ; attempt++) {
		const options: IHttpRequestOptions = {
			method: 'GET',
			baseURL,
			url: endpoint,
			qs,
			headers: { accept: 'application/json' },
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: RETRY_POLICY.timeoutMs,
			// n8n strips only Authorization and Cookie on a cross-origin redirect, not x-api-key:
			// redirects are not followed, so the key never leaves the credential's base URL.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		};

		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options, {
				credentialsDecrypted,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			const failure = networkFailure(error);
			if (failure.cancelled || signal?.aborted) {
				throw new NodeApiError(node, { message: 'The execution was cancelled' } as JsonObject, {
					message: 'The execution was cancelled',
					description: `The request to HeyGen (${endpoint}) was stopped.`,
					itemIndex,
				});
			}
			const retryable = failure.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.code);
			if (retryable && attempt < RETRY_POLICY.retries) {
				await sleep(backoffMs(attempt), signal);
				continue;
			}
			const message = `Could not reach HeyGen${failure.code ? ` (${failure.code})` : ''}`;
			throw new NodeApiError(node, { message } as JsonObject, {
				message,
				description: `${failure.message}. Request: GET ${baseURL}${endpoint}${
					retryable ? `, tried ${attempt + 1} times` : ''
				}.`,
				itemIndex,
			});
		}

		const status = response.statusCode;
		if (status === 429 || status >= 500) {
			if (attempt < RETRY_POLICY.retries) {
				await sleep(backoffMs(attempt, headerValue(response.headers, 'retry-after')), signal);
				continue;
			}
		}

		const parsed = parseJson(response.body);
		if (status < 200 || status >= 300) {
			const location = headerValue(response.headers, 'location');
			throw heyGenStatusError(node, {
				status,
				endpoint,
				body: parsed.ok ? parsed.value : undefined,
				location: typeof location === 'string' ? location : undefined,
				itemIndex,
			});
		}
		if (!parsed.ok) {
			const contentType = headerValue(response.headers, 'content-type');
			throw heyGenContractError(
				node,
				'HeyGen returned a response that is not JSON',
				`GET ${endpoint} answered ${status} with ${
					typeof contentType === 'string' ? contentType : 'no content type'
				}: "${snippet(parsed.text)}"`,
				status,
				itemIndex,
			);
		}
		const body = parsed.value;
		if (body === null || typeof body !== 'object' || Array.isArray(body)) {
			throw heyGenContractError(
				node,
				'HeyGen returned an unexpected response',
				`GET ${endpoint} answered ${status} with JSON that is not an object.`,
				status,
				itemIndex,
			);
		}
		const record = body as IDataObject;
		if (record.error !== null && record.error !== undefined && record.error !== '') {
			const heyGenMessage = heyGenErrorMessage(record) ?? JSON.stringify(record.error);
			throw heyGenContractError(
				node,
				`HeyGen error: ${heyGenMessage}`,
				`GET ${endpoint} answered ${status} but reported an error.`,
				status,
				itemIndex,
			);
		}
		return record;
	}
}
