import { pause } from './pause';

/**
 * How many requests one node run has in flight: at most the node's Requests at Once, fewer while
 * HeyGen answers 429. Additive increase, multiplicative decrease, with a memory: a 429 halves the
 * limit and, when more than one request was in flight, sets a ceiling just below that number (the
 * account's level, as best it shows); normal answers grow the limit back by about one per round of answers, up to that
 * ceiling; after PROBE_AFTER_ANSWERS calm answers at the ceiling, the ceiling goes up by one, so a
 * limit HeyGen raises is found again. A 429 with Retry-After also pauses every new request.
 */
export interface LimiterState {
	/** Requests that may be in flight now, at least 1 and at most `ceiling` (fractional while it grows). */
	limit: number;
	/** Requests at Once: never more. */
	max: number;
	/** The highest limit HeyGen has allowed so far: `max` until a 429. */
	ceiling: number;
	inFlight: number;
	/** No request starts before this time (ms since the epoch): HeyGen asked to wait. */
	pausedUntil: number;
	/** Counts the decreases: a 429 of a request started before the last one is of the same burst. */
	epoch: number;
	/** Normal answers since the limit reached the ceiling. */
	calmAnswers: number;
}

/** What a 429 leaves of the limit. */
export const RATE_LIMIT_DECREASE = 0.5;

/** Normal answers at the ceiling before the limiter tries one more request at once. */
export const PROBE_AFTER_ANSWERS = 50;

export function initialLimiter(max: number): LimiterState {
	return { limit: max, max, ceiling: max, inFlight: 0, pausedUntil: 0, epoch: 0, calmAnswers: 0 };
}

/** Whether one more request may start now. */
export function mayStart(state: LimiterState, now: number): boolean {
	return now >= state.pausedUntil && state.inFlight < Math.floor(state.limit);
}

export function started(state: LimiterState): LimiterState {
	return { ...state, inFlight: state.inFlight + 1 };
}

/** After a normal answer (anything but a 429): one more in flight, bit by bit, up to the ceiling. */
export function answered(state: LimiterState): LimiterState {
	const inFlight = Math.max(0, state.inFlight - 1);
	const limit = Math.min(state.ceiling, state.limit + 1 / state.limit);
	const atCeiling = limit >= state.ceiling;
	const calmAnswers = atCeiling ? state.calmAnswers + 1 : 0;
	if (atCeiling && calmAnswers >= PROBE_AFTER_ANSWERS && state.ceiling < state.max)
		return { ...state, inFlight, limit, ceiling: state.ceiling + 1, calmAnswers: 0 };
	return { ...state, inFlight, limit, calmAnswers };
}

/**
 * After a 429 of a request started in `epoch`: the limit halves, the ceiling goes just below what
 * was in flight, and with a Retry-After (`waitMs`) new requests wait. A 429 of a request started
 * before the last decrease is of the same burst: it changes nothing more.
 */
export function rateLimited(
	state: LimiterState,
	now: number,
	request: { epoch: number; waitMs?: number },
): LimiterState {
	const inFlight = Math.max(0, state.inFlight - 1);
	const pausedUntil =
		request.waitMs === undefined
			? state.pausedUntil
			: Math.max(state.pausedUntil, now + request.waitMs);
	if (request.epoch < state.epoch) return { ...state, inFlight, pausedUntil };
	// With one request in flight, the 429 says nothing of how many at once the account allows.
	const ceiling =
		state.inFlight >= 2 ? Math.max(1, Math.min(state.ceiling, state.inFlight - 1)) : state.ceiling;
	return {
		...state,
		inFlight,
		pausedUntil,
		limit: Math.min(ceiling, Math.max(1, state.limit * RATE_LIMIT_DECREASE)),
		ceiling,
		epoch: state.epoch + 1,
		calmAnswers: 0,
	};
}

/** After a request that got no answer (a network failure, a cancellation): its place is free. */
export function abandoned(state: LimiterState): LimiterState {
	return { ...state, inFlight: Math.max(0, state.inFlight - 1) };
}

/** What a request holds while it is in flight: the limiter's epoch when it started. */
export interface LimiterTicket {
	epoch: number;
}

/** The limiter of one node run: every request of the run takes a place from it before it is sent. */
export class RequestLimiter {
	private state: LimiterState;

	private waiting: Array<() => void> = [];

	constructor(max: number) {
		this.state = initialLimiter(max);
	}

	get snapshot(): LimiterState {
		return { ...this.state };
	}

	/**
	 * Resolves when a request may start (and counts it in flight), with the ticket to release it
	 * with; rejects when `signal` aborts.
	 */
	async acquire(signal?: AbortSignal): Promise<LimiterTicket> {
		for (;;) {
			signal?.throwIfAborted();
			const now = Date.now();
			if (mayStart(this.state, now)) {
				this.state = started(this.state);
				return { epoch: this.state.epoch };
			}
			if (now < this.state.pausedUntil) await pause(this.state.pausedUntil - now, signal);
			else await this.nextRelease(signal);
		}
	}

	/**
	 * Frees the place of a request, with what its answer says of HeyGen's limit: `rateLimited` for a
	 * 429 (with the wait its Retry-After asks, if any), `abandoned` for no answer at all.
	 */
	release(
		ticket: LimiterTicket,
		outcome: 'answered' | 'abandoned' | { rateLimited: { waitMs?: number } },
	) {
		const now = Date.now();
		if (outcome === 'abandoned') this.state = abandoned(this.state);
		else if (outcome === 'answered') this.state = answered(this.state);
		else this.state = rateLimited(this.state, now, { ...ticket, ...outcome.rateLimited });
		const waiting = this.waiting;
		this.waiting = [];
		for (const wake of waiting) wake();
	}

	private async nextRelease(signal?: AbortSignal): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
			this.waiting.push(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			});
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}
}
