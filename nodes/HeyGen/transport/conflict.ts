import { type HeyGenContext, type RequestContext, wait } from '../execution';
import { heyGenErrorCode, heyGenErrorMessage } from '../helpers';
import { parseJson } from './response';
import type { SentRequest } from './retry';

/**
 * How the 409s of HeyGen's upload protocol are waited out. Exported so that the README and the
 * tests speak of the same numbers (the tests shorten the waits; nothing else changes them).
 */
export const CONFLICT_POLICY = {
	/** complete's "Uploaded object not found yet" is tried again this often (HeyGen's client: 5)… */
	notFoundYetRetries: 5,
	/** …after 500 ms × the retry's number (HeyGen's client: 500 ms, 1 s, … 2.5 s). */
	notFoundYetStepMs: 500,
	/** request_in_progress (the first attempt with the same key still runs) is waited out this often… */
	inProgressRetries: 10,
	/** …backing off from this wait, doubling… */
	inProgressBaseDelayMs: 1000,
	/** …up to this one (in all about a minute). */
	inProgressMaxDelayMs: 10_000,
};

/** The 409s that are worth another attempt: the storage catching up, or the same key still running. */
export type ConflictKind = 'notFoundYet' | 'inProgress';

/** Which retryable 409 an answer is, if any; every other 409 stays an error. */
export function conflictKind(status: number, body: unknown): ConflictKind | undefined {
	if (status !== 409) return undefined;
	const code = heyGenErrorCode(body);
	if (code === 'request_in_progress') return 'inProgress';
	const notFoundYet = /not found yet/i.test(heyGenErrorMessage(body) ?? '');
	return code === 'conflict' && notFoundYet ? 'notFoundYet' : undefined;
}

/** The wait before retry `retryIndex` (from 0) after a 409 of `kind`; undefined once they are used up. */
export function conflictDelayMs(kind: ConflictKind, retryIndex: number): number | undefined {
	const policy = CONFLICT_POLICY;
	if (kind === 'notFoundYet') {
		return retryIndex < policy.notFoundYetRetries
			? policy.notFoundYetStepMs * (retryIndex + 1)
			: undefined;
	}
	if (retryIndex >= policy.inProgressRetries) return undefined;
	return Math.min(policy.inProgressBaseDelayMs * 2 ** retryIndex, policy.inProgressMaxDelayMs);
}

export interface ConflictsWaited extends SentRequest {
	/** How long the 409s were waited out, in all. */
	waitedMs: number;
}

/**
 * Sends a request (`exchange`, itself retried as sendWithRetries does) until its answer is not a
 * 409 of one of `kinds`, waiting as conflictDelayMs says; a run stopped meanwhile ends the wait.
 * The same request goes again, with the same Idempotency-Key, so the stored answer comes back.
 */
export async function waitOutConflicts(
	context: HeyGenContext,
	what: RequestContext,
	kinds: readonly ConflictKind[],
	exchange: () => Promise<SentRequest>,
): Promise<ConflictsWaited> {
	const earlier: string[] = [];
	const counts: Record<ConflictKind, number> = { notFoundYet: 0, inProgress: 0 };
	let waitedMs = 0;
	for (;;) {
		const sent = await exchange();
		earlier.push(...sent.earlier);
		const parsed = parseJson(sent.response.body);
		const kind = conflictKind(sent.response.statusCode, parsed.ok ? parsed.value : undefined);
		const delay = kind && kinds.includes(kind) ? conflictDelayMs(kind, counts[kind]++) : undefined;
		if (delay === undefined) return { response: sent.response, earlier, waitedMs };
		earlier.push(kind === 'inProgress' ? '409 request_in_progress' : '409 not found yet');
		await wait(context, delay, what);
		waitedMs += delay;
	}
}
