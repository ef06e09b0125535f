import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import * as workflowHelpers from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from './baseUrl';
import { asNodeError, heyGenContractError, heyGenErrorMessage, heyGenStatusError } from './errors';

export const CREDENTIAL_TYPE = 'heyGenApi';

export { DEFAULT_BASE_URL };

export const CANCELLED_MESSAGE = 'The execution was cancelled';

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

const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** RFC 9110's HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms it still allows. */
const IMF_FIXDATE = new RegExp(
	`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`,
);
const RFC_850_DATE = new RegExp(
	`^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`,
);
const ASCTIME_DATE = new RegExp(
	`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ( \\d|\\d{2}) ${TIME} \\d{4}$`,
);

/** The time an HTTP-date names, or undefined when the text is not one (or names no real day). */
function httpDate(text: string): number | undefined {
	if (IMF_FIXDATE.test(text)) {
		const ms = Date.parse(text);
		// A day that does not exist (31 Feb) parses into another day: the round trip shows it.
		return !Number.isNaN(ms) && new Date(ms).toUTCString() === text ? ms : undefined;
	}
	const ms = RFC_850_DATE.test(text)
		? Date.parse(text)
		: ASCTIME_DATE.test(text)
			? Date.parse(`${text} GMT`)
			: NaN;
	return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Milliseconds to wait as a Retry-After header asks: delta-seconds (digits only) or an HTTP-date.
 * Anything else (-5, 1.5, abc) says nothing, and the normal backoff applies.
 */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	const date = httpDate(text);
	return date === undefined ? undefined : Math.max(0, date - now);
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

export function cancelSignal(context: HeyGenContext): AbortSignal | undefined {
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

export function headerValue(headers: IN8nHttpFullResponse['headers'], name: string): unknown {
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === name) return value;
	}
	return undefined;
}

function snippet(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** A Node.js readable stream, as n8n's binary data helpers give one (node:stream is not for community nodes). */
export type Readable = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** A request body, made anew for each attempt (a stream can be sent only once). */
export type RequestBody = () => string | Buffer | Readable | Promise<string | Buffer | Readable>;

export interface HeyGenRequest {
	method?: HttpMethod;
	/** The path under the credential's Base URL, e.g. /v3/assets. */
	endpoint: string;
	qs?: IDataObject;
	headers?: Record<string, string>;
	body?: RequestBody;
	itemIndex?: number;
}

/** The request as the messages name it: method and path, never the query or the key. */
export function requestLabel(request: Pick<HeyGenRequest, 'method' | 'endpoint'>): string {
	return `${request.method ?? 'GET'} ${request.endpoint}`;
}

/**
 * The credential of this run and the Base URL it names (HeyGen's when the field is empty).
 */
async function credentialFor(context: HeyGenContext) {
	const credentials = await oncePerRun(
		credentialsByRun,
		context,
		async () => await context.getCredentials(CREDENTIAL_TYPE),
	);
	const baseURL = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: credentials,
	};
	return { baseURL, credentialsDecrypted };
}

/** The error for a run stopped by its user, whatever the request was doing. */
export function cancelledError(
	context: HeyGenContext,
	what: string,
	itemIndex?: number,
): NodeApiError {
	return new NodeApiError(context.getNode(), { message: CANCELLED_MESSAGE } as JsonObject, {
		message: CANCELLED_MESSAGE,
		description: `${what} was stopped.`,
		itemIndex,
	});
}

/**
 * Text without the user name and password of any URL in it (a Base URL through a proxy can carry
 * them): no message or description shows them.
 */
export function withoutUserInfo(text: string): string {
	return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}

/** What a request is, for its messages, and what else may stop it. */
export interface RequestContext {
	label: string;
	target: string;
	itemIndex?: number;
	/** Another reason to stop (e.g. a sibling download failed); the run's own cancel signal always counts. */
	signal?: AbortSignal;
}

/** The run's cancel signal, joined with the request's own where it has one. */
function stopSignal(context: HeyGenContext, what: RequestContext): AbortSignal | undefined {
	const run = cancelSignal(context);
	if (!what.signal) return run;
	return run ? AbortSignal.any([run, what.signal]) : what.signal;
}

/** The error for a request stopped by the run's cancellation, or by its own signal. */
function stoppedError(context: HeyGenContext, what: RequestContext) {
	if (cancelSignal(context)?.aborted || !what.signal?.aborted) {
		return cancelledError(context, `The request ${what.label}`, what.itemIndex);
	}
	const reason =
		what.signal.reason instanceof Error ? what.signal.reason.message : 'it was stopped';
	return new NodeOperationError(
		context.getNode(),
		`The request ${what.label} was stopped: ${reason}`,
		{
			itemIndex: what.itemIndex,
		},
	);
}

/**
 * n8n-workflow's abortable sleep: `sleep(ms, signal)` in n8n 2.x; n8n 1.x's `sleep` ignores a signal
 * and has `sleepWithAbort` for that, so that is taken where it exists.
 */
const sleepHelpers = workflowHelpers as unknown as Record<string, unknown>;
const abortableSleep = (
	typeof sleepHelpers.sleepWithAbort === 'function'
		? sleepHelpers.sleepWithAbort
		: workflowHelpers.sleep
) as (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or rejects at once when `signal` aborts (on n8n 1.x and 2.x alike). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	await abortableSleep(ms, signal);
}

/** Waits before another attempt; a run stopped meanwhile ends the wait. */
async function wait(context: HeyGenContext, ms: number, what: RequestContext) {
	const signal = stopSignal(context, what);
	try {
		await pause(ms, signal);
	} catch (error) {
		if (signal?.aborted) throw stoppedError(context, what);
		throw asNodeError(context.getNode(), error, what.itemIndex);
	}
}

/** Whether an error is the cancellation of the run, which no On Error setting may turn into an item. */
export function isCancellation(error: unknown): boolean {
	return error instanceof Error && error.message === CANCELLED_MESSAGE;
}

export interface SentRequest {
	response: IN8nHttpFullResponse;
	/** What the attempts before this answer got (statuses or network codes), oldest first. */
	earlier: string[];
}

/**
 * Sends a request until it gets an answer that is not worth another attempt (RETRY_POLICY): 429,
 * 5xx and connection failures are tried again, waiting as HeyGen asks or backing off. `send` makes
 * the whole request anew each time. A network failure that is final becomes `unreachable(...)`.
 */
export async function sendWithRetries(
	context: HeyGenContext,
	what: RequestContext,
	send: () => Promise<IN8nHttpFullResponse>,
	unreachable: (description: string) => Error,
): Promise<SentRequest> {
	const signal = stopSignal(context, what);
	const earlier: string[] = [];
	for (let attempt = 0; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			response = await send();
		} catch (error) {
			const failure = networkFailure(error);
			if (failure.cancelled || signal?.aborted) throw stoppedError(context, what);
			const retryable = failure.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.code);
			if (retryable && attempt < RETRY_POLICY.retries) {
				earlier.push(failure.code ?? 'failed');
				await wait(context, backoffMs(attempt), what);
				continue;
			}
			// The code goes in the description: n8n replaces a message that names one with its own text.
			throw unreachable(
				withoutUserInfo(
					`${failure.code ? `${failure.code}: ` : ''}${failure.message}. Request: ${what.target}${
						retryable ? `, tried ${attempt + 1} times` : ''
					}.`,
				),
			);
		}
		const status = response.statusCode;
		if ((status === 429 || status >= 500) && attempt < RETRY_POLICY.retries) {
			earlier.push(String(status));
			await wait(context, backoffMs(attempt, headerValue(response.headers, 'retry-after')), what);
			continue;
		}
		return { response, earlier };
	}
}

/**
 * Calls a HeyGen API endpoint with the node's HeyGen API credential.
 *
 * Retries as sendWithRetries does: every request the node makes is safe to repeat (reads, deletes,
 * and creations that carry an Idempotency-Key). Any other answer that is not a documented success
 * becomes a NodeApiError. Resolves with the parsed JSON body.
 */
export async function heyGenApiRequest(
	this: HeyGenContext,
	request: HeyGenRequest,
): Promise<IDataObject> {
	const { endpoint, itemIndex } = request;
	const method = request.method ?? 'GET';
	const { baseURL, credentialsDecrypted } = await credentialFor(this);
	const node = this.getNode();
	const send = async () => {
		const options: IHttpRequestOptions = {
			method,
			baseURL,
			url: endpoint,
			qs: request.qs ?? {},
			headers: { accept: 'application/json', ...request.headers },
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
		if (request.body) options.body = await request.body();
		return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options, {
			credentialsDecrypted,
		})) as IN8nHttpFullResponse;
	};
	const { response, earlier } = await sendWithRetries(
		this,
		{
			label: `to HeyGen (${requestLabel(request)})`,
			target: `${method} ${withoutUserInfo(baseURL)}${endpoint}`,
			itemIndex,
		},
		send,
		(description) => {
			const message = 'Could not reach HeyGen';
			return new NodeApiError(node, { message } as JsonObject, { message, description, itemIndex });
		},
	);
	return parseAnswer(node, response, { method, endpoint, itemIndex, earlier });
}

/** Turns HeyGen's answer into its JSON body, or into the error it means. */
function parseAnswer(
	node: INode,
	response: IN8nHttpFullResponse,
	request: { method: HttpMethod; endpoint: string; itemIndex?: number; earlier: string[] },
): IDataObject {
	const { endpoint, itemIndex } = request;
	const label = requestLabel(request);
	const status = response.statusCode;
	const parsed = parseJson(response.body);
	if (status < 200 || status >= 300) {
		const location = headerValue(response.headers, 'location');
		throw heyGenStatusError(node, {
			status,
			method: request.method,
			endpoint,
			body: parsed.ok ? parsed.value : undefined,
			location: typeof location === 'string' ? location : undefined,
			earlierAttempts: request.earlier,
			itemIndex,
		});
	}
	if (!parsed.ok) {
		const contentType = headerValue(response.headers, 'content-type');
		throw heyGenContractError(
			node,
			'HeyGen returned a response that is not JSON',
			`${label} answered ${status} with ${
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
			`${label} answered ${status} with JSON that is not an object.`,
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
			`${label} answered ${status} but reported an error.`,
			status,
			itemIndex,
		);
	}
	return record;
}
