import { pause } from './pause';

/**
 * How many requests one node run has in flight: at most the node's Requests at Once, fewer while
 * HeyGen answers 429. Additive increase, multiplicative decrease (as TCP does): a 429 halves the
 * limit and pauses every new request for the wait HeyGen asks; each normal answer adds 1/limit, so
 * the limit grows by about one per round of answers, back up to the maximum.
 */
export interface LimiterState {
	/** Requests that may be in flight now, at least 1 and at most `max` (fractional while it grows). */
	limit: number;
	max: number;
	inFlight: number;
	/** No request starts before this time (ms since the epoch): HeyGen asked to wait. */
	pausedUntil: number;
}

/** What a 429 leaves of the limit. */
export const RATE_LIMIT_DECREASE = 0.5;

export function initialLimiter(max: number): LimiterState {
	return { limit: max, max, inFlight: 0, pausedUntil: 0 };
}

/** Whether one more request may start now. */
export function mayStart(state: LimiterState, now: number): boolean {
	return now >= state.pausedUntil && state.inFlight < Math.floor(state.limit);
}

export function started(state: LimiterState): LimiterState {
	return { ...state, inFlight: state.inFlight + 1 };
}

/** After a normal answer (anything but a 429): one more in flight, bit by bit. */
export function answered(state: LimiterState): LimiterState {
	const limit = Math.min(state.max, state.limit + 1 / state.limit);
	return { ...state, inFlight: Math.max(0, state.inFlight - 1), limit };
}

/**
 * After a 429: the limit halves and new requests wait `waitMs`. The other requests of the same burst
 * that get 429 while the pause it started still runs do not halve it again.
 */
export function rateLimited(state: LimiterState, now: number, waitMs: number): LimiterState {
	const inFlight = Math.max(0, state.inFlight - 1);
	const alreadyPaused = now < state.pausedUntil;
	const limit = alreadyPaused ? state.limit : Math.max(1, state.limit * RATE_LIMIT_DECREASE);
	return { ...state, inFlight, limit, pausedUntil: Math.max(state.pausedUntil, now + waitMs) };
}

/** After a request that got no answer (a network failure, a cancellation): its place is free. */
export function abandoned(state: LimiterState): LimiterState {
	return { ...state, inFlight: Math.max(0, state.inFlight - 1) };
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

	/** Resolves when a request may start (and counts it in flight); rejects when `signal` aborts. */
	async acquire(signal?: AbortSignal): Promise<void> {
		for (;;) {
			signal?.throwIfAborted();
			const now = Date.now();
			if (mayStart(this.state, now)) {
				this.state = started(this.state);
				return;
			}
			if (now < this.state.pausedUntil) await pause(this.state.pausedUntil - now, signal);
			else await this.nextRelease(signal);
		}
	}

	/** Frees the place of a request, with what its answer says of HeyGen's limit. */
	release(outcome: { rateLimitedFor?: number } | 'abandoned') {
		const now = Date.now();
		if (outcome === 'abandoned') this.state = abandoned(this.state);
		else if (outcome.rateLimitedFor !== undefined)
			this.state = rateLimited(this.state, now, outcome.rateLimitedFor);
		else this.state = answered(this.state);
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
