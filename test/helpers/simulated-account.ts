/**
 * The pure limiter against a simulated HeyGen account, on a simulated clock: every item's request
 * takes a place (mayStart/started), the account answers after its latency or refuses at once with
 * 429, and the answer goes back through answered/rateLimited, as transport/retry.ts does. A request's
 * first 429 for too many at once is retried as soon as a place is free; another waits its Retry-After
 * or backoff.
 * Deterministic: it proves how the limiter behaves over a whole job without a server or real time.
 */
import {
	answered,
	initialLimiter,
	type LimiterState,
	type LimiterTicket,
	mayStart,
	rateLimited,
	refusedForConcurrency,
	started,
} from '../../nodes/HeyGen/execution/limiter';

export interface Account {
	/** Answer time of a request that arrives while `inFlight` others are answered. */
	latencyMs: (inFlight: number) => number;
	/** Whether a request arriving while `inFlight` others are answered gets 429 (`done`: items done so far). */
	refuses: (inFlight: number, done: number) => boolean;
	/** Retry-After sent with a 429 (ms), if any. */
	retryAfterMs?: number;
}

export interface JobResult {
	ms: number;
	rateLimited: number;
	/** The most requests the account had in flight at once. */
	maxAtAccount: number;
	/** The most the limiter let go at once. */
	maxStarted: number;
	/** The limiter's state after each answer, with the time. */
	trace: Array<{ at: number; limit: number; ceiling: number }>;
	/** When each request started (ms), for the pause checks. */
	starts: number[];
}

interface Event {
	at: number;
	run: () => void;
}

/** Runs `items` single-request items against `account`, starting from `state`. */
export function runJob(items: number, account: Account, state: LimiterState): JobResult {
	const result: JobResult = {
		ms: 0,
		rateLimited: 0,
		maxAtAccount: 0,
		maxStarted: 0,
		trace: [],
		starts: [],
	};
	const events: Event[] = [];
	const at = (time: number, run: () => void) => {
		events.push({ at: time, run });
		events.sort((a, b) => a.at - b.at);
	};
	let now = 0;
	let atAccount = 0;
	let done = 0;
	const waiting: number[] = Array.from({ length: items }, () => 0);
	const send = (tries: number, ticket: LimiterTicket) => {
		if (account.refuses(atAccount, done)) {
			result.rateLimited += 1;
			state = rateLimited(state, ticket, now, account.retryAfterMs);
			const backoff =
				account.retryAfterMs ??
				(refusedForConcurrency(ticket) && tries === 0 ? 0 : 1000 * 2 ** tries);
			at(now + backoff, () => waiting.unshift(tries + 1));
			return;
		}
		atAccount += 1;
		result.maxAtAccount = Math.max(result.maxAtAccount, atAccount);
		at(now + account.latencyMs(atAccount - 1), () => {
			atAccount -= 1;
			done += 1;
			state = answered(state, ticket, now);
			result.trace.push({ at: now, limit: state.limit, ceiling: state.ceiling });
		});
	};
	const pump = () => {
		while (waiting.length > 0 && mayStart(state, now)) {
			const tries = waiting.shift() ?? 0;
			state = started(state);
			result.maxStarted = Math.max(result.maxStarted, state.inFlight);
			result.starts.push(now);
			send(tries, { epoch: state.epoch, inFlight: state.inFlight, startedAt: now });
		}
		if (waiting.length > 0 && now < state.pausedUntil) at(state.pausedUntil, () => undefined);
	};
	pump();
	while (events.length > 0) {
		const event = events.shift() as Event;
		now = event.at;
		event.run();
		pump();
	}
	result.ms = now;
	return result;
}

/** An account with a fixed latency that refuses above `level(done)` requests at once. */
export function limitedAccount(latencyMs: number, level: (done: number) => number): Account {
	return { latencyMs: () => latencyMs, refuses: (inFlight, done) => inFlight >= level(done) };
}

export { initialLimiter };
