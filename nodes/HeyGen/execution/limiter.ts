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
 *   LATENCY_TOLERANCE × the usual time, the ceiling comes down in proportion. File transfers do not
 *   count: their time is their size, not HeyGen's load.
 * - **Probing** (as BBR's): after PROBE_ROUNDS rounds of calm answers at the ceiling, the ceiling
 *   goes up, so a level HeyGen raises is found again: by one, then by twice as many after each probe
 *   that held (a quota's burst of 429s can take the ceiling low; the pace is back within a few
 *   rounds); a probe that meets a 429 starts again at one and doubles the wait before the next.
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
	/** How far the next probe raises the ceiling: 1, doubled by each probe that held. */
	probeStep: number;
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
		probeStep: 1,
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

/**
 * How far one faster answer moves the usual time: a good way, yet one odd answer (a 404 from a proxy
 * in 1 ms) cannot make every normal answer after it look slow.
 */
const BASELINE_FOLLOW = 0.2;

/** The usual and the recent answer time after an answer that took `ms`. */
function timesAfter(state: LimiterState, ms: number) {
	const follow = ms <= state.baselineMs ? BASELINE_FOLLOW : BASELINE_DRIFT;
	const baselineMs =
		state.baselineMs === Infinity ? ms : state.baselineMs + (ms - state.baselineMs) * follow;
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
	// The last probe held (no 429 at its level since): the next one comes sooner, and goes further.
	const held = state.probeLevel > 0;
	const probeRounds = held ? Math.max(1, state.probeRounds / 2) : state.probeRounds;
	const probeStep = held ? state.probeStep * 2 : 1;
	const ceiling = Math.min(state.max, state.ceiling + probeStep);
	return {
		...state,
		ceiling,
		limit: ceiling,
		calmAnswers: 0,
		probeRounds,
		probeLevel: ceiling,
		probeStep,
	};
}

/** After a calm answer: slow start's one more at once until HeyGen first pushes back, then grown's. */
function raised(state: LimiterState): LimiterState {
	if (state.pushedBack) return grown(state);
	return { ...state, limit: Math.min(state.max, state.limit + 1) };
}

/**
 * After a normal answer (anything but a 429) to `ticket`'s request, at `now`: its place is free, and
 * the limit grows — unless answers have grown slow, which brings the ceiling down in proportion.
 * `timed` false: a file transfer, whose time says nothing of HeyGen's load.
 */
export function answered(
	state: LimiterState,
	ticket: LimiterTicket,
	now: number,
	timed = true,
): LimiterState {
	const inFlight = Math.max(0, state.inFlight - 1);
	if (!timed) return raised({ ...state, inFlight });
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
	return raised(next);
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
	return { ...next, ceiling, limit, probeRounds, probeLevel: 0, probeStep: 1 };
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

/**
 * The limiter of one node run: every request of the run takes a place from it before it is sent.
 *
 * A freed place wakes the request that has waited longest (one that asks in the same moment may
 * still take it first). Starts are paced, as BBR paces its sends: one request starts in a turn of
 * the event loop, the next in the turn after. Without it, a round of answers that came back
 * together is handled in one turn, every request of the next round starts in it, and their
 * connections complete together in the next one: the round goes out as a burst, comes back as a burst, and each answer waits for n8n's work on
 * all the others (25 ms of every 75 against a server that always takes 50 ms, measured in
 * `npm run bench:bulk`). Paced, each request goes out as soon as its connection is up. A turn costs
 * nothing when nothing else is to be done.
 */
export class RequestLimiter {
	private state: LimiterState;

	/** Requests waiting for a place, longest first. */
	private waiting: Array<() => void> = [];

	/**
	 * Waiters woken for a place that have not yet looked: a release wakes only the next in line,
	 * since waking all of them (tens, in a bulk job) costs each answer work it does not need.
	 */
	private woken = 0;

	/** A request started in this turn of the event loop: the next starts in the next turn. */
	private turnTaken = false;

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
		// Woken for a place, and not yet started: stopped now, it passes that place on.
		let holdsWake = false;
		for (;;) {
			if (signal?.aborted && holdsWake) this.wakeWaiting();
			signal?.throwIfAborted();
			const now = Date.now();
			if (mayStart(this.state, now) && !this.turnTaken) {
				this.state = started(this.state);
				this.takeTurn();
				return { epoch: this.state.epoch, inFlight: this.state.inFlight, startedAt: now };
			}
			if (now < this.state.pausedUntil) {
				// Stopped during the wait: the top of the loop passes the place on, and throws.
				await pause(this.state.pausedUntil - now, signal).catch(() => undefined);
			} else {
				// Woken but beaten to the turn, or to the place: it goes back to the head of the line.
				const first = holdsWake;
				holdsWake = false;
				await this.nextPlace(signal, first);
				holdsWake = true;
			}
		}
	}

	/**
	 * Frees the place of a request, with what its answer says of HeyGen's limit: `rateLimited` for a
	 * 429 (with the wait its Retry-After asks, if any), `transferred` for a file moved (its time is
	 * its size), `abandoned` for no answer at all.
	 */
	release(
		ticket: LimiterTicket,
		outcome: 'answered' | 'transferred' | 'abandoned' | { rateLimited: { waitMs?: number } },
	) {
		const now = Date.now();
		if (outcome === 'abandoned') this.state = abandoned(this.state);
		else if (outcome === 'answered') this.state = answered(this.state, ticket, now);
		else if (outcome === 'transferred') this.state = answered(this.state, ticket, now, false);
		else this.state = rateLimited(this.state, ticket, now, outcome.rateLimited.waitMs);
		this.wakeWaiting();
	}

	/** Takes this turn's start; at the next turn, the next in line is woken. */
	private takeTurn() {
		this.turnTaken = true;
		void pause(0).then(() => {
			this.turnTaken = false;
			this.wakeWaiting();
		});
	}

	/**
	 * Wakes the longest-waiting request when a place is free, the turn is not taken and no request
	 * woken before it has yet looked. One woken during a Retry-After pause waits it out.
	 */
	private wakeWaiting() {
		if (this.turnTaken || this.woken > 0) return;
		if (Math.floor(this.state.limit) - this.state.inFlight < 1) return;
		const wake = this.waiting.shift();
		if (!wake) return;
		this.woken += 1;
		wake();
	}

	/**
	 * Resolves when this request is woken for a place (`first`: at the head of the line); rejects
	 * when `signal` aborts first.
	 */
	private async nextPlace(signal: AbortSignal | undefined, first: boolean): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			const wake = () => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = () => {
				this.waiting = this.waiting.filter((waiter) => waiter !== wake);
				reject(signal?.reason ?? new Error('aborted'));
			};
			if (first) this.waiting.unshift(wake);
			else this.waiting.push(wake);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
		this.woken -= 1;
	}
}
