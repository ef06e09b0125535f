import type { IN8nHttpFullResponse } from 'n8n-workflow';

import {
	type HeyGenContext,
	type LimiterTicket,
	refusedForConcurrency,
	type RequestContext,
	RequestLimiter,
	runShared,
	stoppedError,
	stopSignal,
	wait,
} from '../execution';
import { withoutUserInfo } from '../helpers';
import { headerValue } from './response';

/**
 * How each request is retried and how long it may take. Exported so that the README and the tests
 * speak of the same numbers (the fault-matrix tests shorten the waits; nothing else changes them).
 */
export const RETRY_POLICY = {
	/** Retries after the first attempt, for 5xx answers and connection failures. */
	retries: 3,
	/**
	 * Retries of 429s, counted on their own: on an account limit the node is not told, a request may
	 * meet a few 429s while the limiter finds the level; HeyGen's own client retries 429 always.
	 */
	rateLimitRetries: 8,
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
export function httpDate(text: string): number | undefined {
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

export interface SentRequest {
	response: IN8nHttpFullResponse;
	/** What the attempts before this answer got (statuses or network codes), oldest first. */
	earlier: string[];
}

/** Retries used so far by one request. */
interface RetriesUsed {
	failures: number;
	rateLimits: number;
}

/** Which retry an answer calls for, if any is left: 429s and 5xx have budgets of their own. */
export function retryFor(status: number, used: RetriesUsed): keyof RetriesUsed | undefined {
	if (status === 429)
		return used.rateLimits < RETRY_POLICY.rateLimitRetries ? 'rateLimits' : undefined;
	if (status >= 500) return used.failures < RETRY_POLICY.retries ? 'failures' : undefined;
	return undefined;
}

/** Takes a place from the run's limiter; a run stopped while waiting for one ends the wait. */
async function takePlace(
	context: HeyGenContext,
	what: RequestContext,
	limiter: RequestLimiter,
	signal: AbortSignal,
): Promise<LimiterTicket> {
	try {
		return await limiter.acquire(signal);
	} catch {
		throw stoppedError(context, what);
	}
}

/** After a request that got no answer: waits to try again, or the error it ends with. */
async function afterNetworkFailure(
	context: HeyGenContext,
	what: RequestContext,
	error: unknown,
	used: RetriesUsed,
	unreachable: (description: string) => Error,
): Promise<string> {
	const failure = networkFailure(error);
	if (failure.cancelled || stopSignal(context, what).aborted) throw stoppedError(context, what);
	const retryable = failure.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.code);
	if (retryable && used.failures < RETRY_POLICY.retries) {
		await wait(context, backoffMs(used.failures), what);
		used.failures += 1;
		return failure.code ?? 'failed';
	}
	// The code goes in the description: n8n replaces a message that names one with its own text.
	throw unreachable(
		withoutUserInfo(
			`${failure.code ? `${failure.code}: ` : ''}${failure.message}. Request: ${what.target}${
				retryable ? `, tried ${used.failures + 1} times` : ''
			}.`,
		),
	);
}

/**
 * Sends a request until it gets an answer that is not worth another attempt (RETRY_POLICY): 429,
 * 5xx and connection failures are tried again, waiting as HeyGen asks or backing off. Each attempt
 * takes a place from the run's limiter, and a 429 slows every request of the run. `send` makes the
 * whole request anew each time, stopping when the signal it gets aborts. A network failure that is
 * final becomes `unreachable(...)`.
 */
export async function sendWithRetries(
	context: HeyGenContext,
	what: RequestContext,
	send: (signal: AbortSignal) => Promise<IN8nHttpFullResponse>,
	unreachable: (description: string) => Error,
): Promise<SentRequest> {
	const signal = stopSignal(context, what);
	const { limiter } = runShared(context);
	const earlier: string[] = [];
	const used: RetriesUsed = { failures: 0, rateLimits: 0 };
	for (;;) {
		const ticket = await takePlace(context, what, limiter, signal);
		let response: IN8nHttpFullResponse;
		try {
			response = await send(signal);
		} catch (error) {
			limiter.release(ticket, 'abandoned');
			earlier.push(await afterNetworkFailure(context, what, error, used, unreachable));
			continue;
		}
		const status = response.statusCode;
		const retryAfter = headerValue(response.headers, 'retry-after');
		const backoff = backoffMs(status === 429 ? used.rateLimits : used.failures, retryAfter);
		// Only a wait HeyGen asks for holds every request back; without one, fewer at once is the answer.
		const asked = retryAfterMs(retryAfter) === undefined ? undefined : backoff;
		limiter.release(ticket, status === 429 ? { rateLimited: { waitMs: asked } } : 'answered');
		const retry = retryFor(status, used);
		if (!retry) return { response, earlier };
		// A request's first 429 for too many at once, with no wait asked: the limiter is lower now, and
		// a place is the wait. A second one backs off, so a quota that looks like a level cannot spend
		// the request's retries in a moment.
		const lowered =
			status === 429 &&
			asked === undefined &&
			used.rateLimits === 0 &&
			refusedForConcurrency(ticket);
		earlier.push(String(status));
		used[retry] += 1;
		await wait(context, lowered ? 0 : backoff, what);
	}
}
