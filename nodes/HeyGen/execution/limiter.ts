import { pause } from './pause';

/**
 * How many requests one node run has in flight. HeyGen documents no limit for its asset endpoints
 * and says "too many" with 429, so the limiter finds the account's level and stays just under it:
 *
 * - **Slow start** (TCP's): until HeyGen first pushes back, each normal answer lets one more
 *   request go at once (the limit doubles every round of answers), up to `max`.
 * - **A 429 marks the level.** A request refused when it was the nth in flight says the account
 *   takes fewer than n: the ceiling goes to n − 1 and the limit with it (no halving: halving spent
 *   most of a job well under the level). A 429 with one in flight says nothing of how many at once
 *   (a quota, not a concurrency): it halves the limit instead.
 * - **Latency is pushback too** (as in Vegas and Gradient): when answers take more than
 *   LATENCY_TOLERANCE × the usual time, the ceiling comes down in proportion.
 * - **Probing** (as BBR's): after PROBE_ROUNDS rounds of calm answers at the ceiling, the ceiling
 *   goes up by one, so a level HeyGen raises is found again; a probe that meets a 429 doubles the
 *   wait before the next.
 * - A 429 with Retry-After pauses every new request of the run.
 *
 * Never more than `max`: the user's Requests at Once, or REQUESTS_AT_ONCE.max when automatic.
 */
export interface LimiterState {
	/** Requests that may be in flight now: at least 1, at most `ceiling`. */
	limit: number;
	/** Never more: the user's Requests at Once, or the automatic maximum. */
	max: number;
	/** Just below the lowest level HeyGen pushed back at so far: `max` until then. */
	ceiling: number;
	/** Whether HeyGen has pushed back yet (slow start ends at the first pushback). */
	pushedBack: boolean;
	inFlight: number;
	/** No request starts before this time (ms since the epoch): HeyGen asked to wait. */
	pausedUntil: number;
	/** Counts the decreases: an answer to a request started before the last one is of the same burst. */
	epoch: number;
	/** Normal answers since the limit reached the ceiling (or since the last probe). */
	calmAnswers: number;
	/** Rounds of calm answers at the ceiling before the next probe. */
	probeRounds: number;
	/** The level the last probe opened (0: none yet, or it was refused). */
	probeLevel: number;
	/** The usual time of an answer (ms): follows a faster answer at once, a slower one slowly. */
	baselineMs: number;
	/** Recent answer time (ms), smoothed. */
	recentMs: number;
	/** Slow answers alone never take the limit below this: only HeyGen's 429 does. */
	latencyFloor: number;
}

/**
 * Rounds of calm answers at the ceiling before a probe: `first`, doubled by each probe refused up to
 * `most` (so that a level HeyGen raises is still found within a job), halved by each probe that held.
 */
export const PROBE_ROUNDS = { first: 4, most: 16 } as const;

/** Answers this many times slower than the usual time are pushback. */
export const LATENCY_TOLERANCE = 2;

/** The weight of one answer in the smoothed recent time. */
const RECENT_WEIGHT = 0.1;

/**
 * How far one slower answer moves the usual time: slow, so that queueing shows against it, yet a
 * HeyGen that is slower for everyone becomes the usual time within a few hundred answers.
 */
const BASELINE_DRIFT = 0.002;

/**
 * A limiter allowing up to `max` at once, starting at `start`; slow answers alone never take it below
 * `latencyFloor` (a level known to be safe), since a HeyGen slower for everyone looks the same.
 */
export function initialLimiter(max: number, start = max, latencyFloor = 1): LimiterState {
	return {
		limit: Math.min(start, max),
		max,
		ceiling: max,
		pushedBack: false,
		inFlight: 0,
		pausedUntil: 0,
		epoch: 0,
		calmAnswers: 0,
		probeRounds: PROBE_ROUNDS.first,
		probeLevel: 0,
		baselineMs: Infinity,
		recentMs: 0,
		latencyFloor: Math.min(latencyFloor, max),
	};
}

/** Whether one more request may start now. */
export function mayStart(state: LimiterState, now: number): boolean {
	return now >= state.pausedUntil && state.inFlight < Math.floor(state.limit);
}

export function started(state: LimiterState): LimiterState {
	return { ...state, inFlight: state.inFlight + 1 };
}

/** What a request holds while in flight. */
export interface LimiterTicket {
	/** The limiter's epoch when it started. */
	epoch: number;
	/** Requests in flight when it started, itself included. */
	inFlight: number;
	/** When it started (ms). */
	startedAt: number;
}

/** The usual and the recent answer time after an answer that took `ms`. */
function timesAfter(state: LimiterState, ms: number) {
	const baselineMs =
		ms <= state.baselineMs ? ms : state.baselineMs + (ms - state.baselineMs) * BASELINE_DRIFT;
	const recentMs =
		state.recentMs === 0 ? ms : state.recentMs + (ms - state.recentMs) * RECENT_WEIGHT;
	return { baselineMs, recentMs };
}

/** One more at once per normal answer up to the ceiling; at the ceiling, a probe now and then. */
function grown(state: LimiterState): LimiterState {
	if (state.limit < state.ceiling)
		return { ...state, limit: Math.min(state.ceiling, state.limit + 1), calmAnswers: 0 };
	const calmAnswers = state.calmAnswers + 1;
	if (state.ceiling >= state.max || calmAnswers < state.probeRounds * state.ceiling)
		return { ...state, calmAnswers };
	const ceiling = state.ceiling + 1;
	// The last probe held (no 429 at its level since): the next one comes sooner.
	const probeRounds = state.probeLevel > 0 ? Math.max(1, state.probeRounds / 2) : state.probeRounds;
	return { ...state, ceiling, limit: ceiling, calmAnswers: 0, probeRounds, probeLevel: ceiling };
}

/**
 * After a normal answer (anything but a 429) to `ticket`'s request, at `now`: its place is free, and
 * the limit grows — unless answers have grown slow, which brings the ceiling down in proportion.
 */
export function answered(state: LimiterState, ticket: LimiterTicket, now: number): LimiterState {
	const inFlight = Math.max(0, state.inFlight - 1);
	const times = timesAfter(state, Math.max(1, now - ticket.startedAt));
	const next = { ...state, ...times, inFlight };
	const slow = times.recentMs > LATENCY_TOLERANCE * times.baselineMs;
	if (slow && ticket.epoch === state.epoch && state.limit > state.latencyFloor) {
		const ceiling = Math.max(
			state.latencyFloor,
			Math.floor((state.limit * LATENCY_TOLERANCE * times.baselineMs) / times.recentMs),
		);
		return { ...next, ceiling, limit: ceiling, pushedBack: true, epoch: state.epoch + 1 };
	}
	if (slow) return next;
	if (!state.pushedBack) return { ...next, limit: Math.min(state.max, state.limit + 1) };
	return grown(next);
}

/**
 * After a 429 to `ticket`'s request, at `now`, with the wait its Retry-After asks (`waitMs`), if
 * any: new requests wait that long; the ceiling goes just below the level that was refused.
 */
export function rateLimited(
	state: LimiterState,
	ticket: LimiterTicket,
	now: number,
	waitMs?: number,
): LimiterState {
	const inFlight = Math.max(0, state.inFlight - 1);
	const pausedUntil =
		waitMs === undefined ? state.pausedUntil : Math.max(state.pausedUntil, now + waitMs);
	const next = { ...state, inFlight, pausedUntil, pushedBack: true, calmAnswers: 0 };
	if (ticket.inFlight < 2) {
		// One in flight: a quota, not a concurrency; the other 429s of the same burst change it once.
		if (ticket.epoch < state.epoch) return next;
		return { ...next, limit: Math.max(1, Math.floor(state.limit / 2)), epoch: state.epoch + 1 };
	}
	// Refused at a level above the ceiling: of a burst the ceiling already came down for.
	if (ticket.inFlight > state.ceiling) return next;
	const ceiling = ticket.inFlight - 1;
	// Refused at the level the last probe opened: twice as long before the next probe.
	const probeFailed = state.probeLevel > 0 && ticket.inFlight >= state.probeLevel;
	const probeRounds = probeFailed
		? Math.min(PROBE_ROUNDS.most, state.probeRounds * 2)
		: state.probeRounds;
	const limit = Math.min(state.limit, ceiling);
	return { ...next, ceiling, limit, probeRounds, probeLevel: 0 };
}

/** After a request that got no answer (a network failure, a cancellation): its place is free. */
export function abandoned(state: LimiterState): LimiterState {
	return { ...state, inFlight: Math.max(0, state.inFlight - 1) };
}

/**
 * Whether a 429 to this request came with others in flight: then the limiter has lowered the level,
 * and the request may go again as soon as it gets a place, with no backoff of its own.
 */
export function refusedForConcurrency(ticket: LimiterTicket): boolean {
	return ticket.inFlight >= 2;
}

/** The limiter of one node run: every request of the run takes a place from it before it is sent. */
export class RequestLimiter {
	private state: LimiterState;

	private waiting: Array<() => void> = [];

	constructor(max: number, start = max, latencyFloor = 1) {
		this.state = initialLimiter(max, start, latencyFloor);
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
				return { epoch: this.state.epoch, inFlight: this.state.inFlight, startedAt: now };
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
		else if (outcome === 'answered') this.state = answered(this.state, ticket, now);
		else this.state = rateLimited(this.state, ticket, now, outcome.rateLimited.waitMs);
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
