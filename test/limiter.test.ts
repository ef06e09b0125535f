/**
 * The run's adaptive request limiter, as pure state transitions (slow start, a ceiling just below the
 * level of a 429, latency as pushback, probes) — step by step, then over whole jobs against a
 * simulated account — and the async limiter over them.
 */
import {
	abandoned,
	answered,
	initialLimiter,
	LATENCY_TOLERANCE,
	type LimiterState,
	type LimiterTicket,
	mayStart,
	PROBE_ROUNDS,
	rateLimited,
	RequestLimiter,
	started,
} from '../nodes/HeyGen/execution/limiter';
import { limitedAccount, runJob } from './helpers/simulated-account';

/** Starts one request: the state after it, and its ticket. */
function start(state: LimiterState, now = 0): [LimiterState, LimiterTicket] {
	const next = started(state);
	return [next, { epoch: next.epoch, inFlight: next.inFlight, startedAt: now }];
}

/** One request started at 0 and answered normally `ms` later. */
function answer(state: LimiterState, ms = 50): LimiterState {
	const [next, ticket] = start(state);
	return answered(next, ticket, ms);
}

describe('one step at a time', () => {
	it('lets up to the limit start at once, and no more', () => {
		let state = initialLimiter(3);
		for (let i = 0; i < 3; i++) {
			expect(mayStart(state, 0)).toBe(true);
			state = started(state);
		}
		expect(mayStart(state, 0)).toBe(false);
	});

	it('slow start: each normal answer lets one more go at once, from the start up to the maximum', () => {
		let state = initialLimiter(50, 10);
		expect(state.limit).toBe(10);
		for (let i = 0; i < 10; i++) state = answer(state);
		expect(state.limit).toBe(20);
		for (let i = 0; i < 100; i++) state = answer(state);
		expect(state.limit).toBe(50);
	});

	it('a 429 to the nth request in flight puts the ceiling and the limit at n − 1, not at half', () => {
		let state = initialLimiter(50, 20);
		let ticket: LimiterTicket = { epoch: 0, inFlight: 0, startedAt: 0 };
		for (let i = 0; i < 9; i++) [state, ticket] = start(state);
		state = rateLimited(state, ticket, 1000);
		expect(state.ceiling).toBe(8);
		expect(state.limit).toBe(8);
		expect(state.inFlight).toBe(8);
		// No Retry-After: nothing is held back, only fewer go at once.
		expect(state.pausedUntil).toBe(0);
	});

	it('429s of one burst leave the ceiling at the lowest level refused, whatever order they come back in', () => {
		let state = initialLimiter(50, 12);
		const tickets: LimiterTicket[] = [];
		for (let i = 0; i < 12; i++) {
			const [next, ticket] = start(state);
			state = next;
			tickets.push(ticket);
		}
		// Requests 9 to 12 refused (the account takes 8), answered last first.
		for (const ticket of tickets.slice(8).reverse()) state = rateLimited(state, ticket, 1000);
		expect(state.ceiling).toBe(8);
		expect(state.limit).toBe(8);
	});

	it('a 429 with Retry-After pauses every new request for that long', () => {
		const [state, ticket] = start(initialLimiter(8));
		const paused = rateLimited(state, ticket, 1000, 500);
		expect(mayStart(paused, 1499)).toBe(false);
		expect(mayStart(paused, 1500)).toBe(true);
	});

	it('a 429 with one request in flight halves the limit and keeps the ceiling: it says nothing of how many at once', () => {
		const [state, ticket] = start(initialLimiter(10));
		const after = rateLimited(state, ticket, 1000);
		expect(after.limit).toBe(5);
		expect(after.ceiling).toBe(10);
		// And the limit comes back, one more per answer.
		let grown = after;
		for (let i = 0; i < 5; i++) grown = answer(grown);
		expect(grown.limit).toBe(10);
	});

	it('never goes below one request at once', () => {
		let state = initialLimiter(2);
		for (let i = 0; i < 5; i++) {
			const [next, ticket] = start(state);
			state = rateLimited(next, ticket, i * 1000);
		}
		expect(state.limit).toBe(1);
		expect(mayStart(state, 10_000)).toBe(true);
	});

	it(`answers more than ${LATENCY_TOLERANCE}× slower than usual bring the ceiling down in proportion, never below the latency floor`, () => {
		let state = initialLimiter(50, 40, 10);
		for (let i = 0; i < 5; i++) state = answer(state, 50);
		const limit = state.limit;
		for (let i = 0; i < 30 && state.ceiling === 50; i++) state = answer(state, 400);
		expect(state.ceiling).toBeLessThan(limit);
		expect(state.limit).toBe(state.ceiling);
		for (let i = 0; i < 200; i++) state = answer(state, 400);
		expect(state.limit).toBeGreaterThanOrEqual(10);
	});

	it(`after ${PROBE_ROUNDS.first} rounds of calm answers at the ceiling, tries one more at once; a probe refused waits twice as long`, () => {
		let state: LimiterState = { ...initialLimiter(20), pushedBack: true, limit: 4, ceiling: 4 };
		for (let i = 0; i < PROBE_ROUNDS.first * 4; i++) state = answer(state);
		expect(state.ceiling).toBe(5);
		// The probe's level (5 in flight) is refused.
		const [full, ticket] = Array.from({ length: 4 }).reduce<[LimiterState, LimiterTicket]>(
			([s]) => start(s),
			start(state),
		);
		state = rateLimited(full, ticket, 0);
		expect(state.ceiling).toBe(4);
		expect(state.probeRounds).toBe(2 * PROBE_ROUNDS.first);
	});

	it('a request that got no answer frees its place and says nothing of the limit', () => {
		const [state] = start(initialLimiter(4));
		expect(abandoned(state)).toEqual(initialLimiter(4));
	});
});

describe('whole jobs against a simulated account (400 items, 50 ms a request)', () => {
	it('an account limited to 8 at once: held at 8 from the first 429 on, within 1.1× the floor (2,500 ms), a handful of 429s', () => {
		const job = runJob(
			400,
			limitedAccount(50, () => 8),
			initialLimiter(50, 10, 10),
		);
		expect(job.maxAtAccount).toBe(8);
		expect(job.ms).toBeLessThanOrEqual(1.1 * 2500);
		expect(job.rateLimited).toBeLessThanOrEqual(10);
	});

	it('nothing pushes back: the limit climbs from 10 to the maximum and never past it', () => {
		const job = runJob(
			400,
			limitedAccount(50, () => Infinity),
			initialLimiter(50, 10, 10),
		);
		expect(job.maxStarted).toBe(50);
		expect(job.ms).toBeLessThanOrEqual(600);
	});

	it("a user's Requests at Once is never exceeded, even on an account that allows far more", () => {
		const job = runJob(
			400,
			limitedAccount(50, () => Infinity),
			initialLimiter(7, 7, 7),
		);
		expect(job.maxStarted).toBe(7);
		expect(job.trace.every((step) => step.limit <= 7 && step.ceiling <= 7)).toBe(true);
	});

	it('an account whose limit drops from 8 to 4 mid-job: follows it down, every item done, within 1.2× the floor', () => {
		const job = runJob(
			400,
			limitedAccount(50, (done) => (done < 200 ? 8 : 4)),
			initialLimiter(50, 10, 10),
		);
		const floor = (200 * 50) / 8 + (200 * 50) / 4;
		expect(job.ms).toBeLessThanOrEqual(1.2 * floor);
		expect(job.trace.at(-1)?.ceiling).toBeLessThanOrEqual(5);
	});

	it('an account whose limit rises from 4 to 16 mid-job: the probes find more than 4', () => {
		const job = runJob(
			400,
			limitedAccount(50, (done) => (done < 200 ? 4 : 16)),
			initialLimiter(50, 10, 10),
		);
		expect(Math.max(...job.trace.slice(-20).map((step) => step.ceiling))).toBeGreaterThan(5);
	});

	it('an account limited to 1 at once: one at a time, the job at the floor, few 429s', () => {
		const job = runJob(
			100,
			limitedAccount(50, () => 1),
			initialLimiter(50, 10, 10),
		);
		expect(job.maxAtAccount).toBe(1);
		expect(job.ms).toBeLessThanOrEqual(1.05 * 100 * 50);
		expect(job.rateLimited).toBeLessThan(20);
	});

	it('latency rising with load and no 429: the limiter stops well below the maximum, and the job is faster for it', () => {
		const account = {
			latencyMs: (n: number) => 50 + 10 * Math.max(0, n - 8),
			refuses: () => false,
		};
		const adaptive = runJob(400, account, initialLimiter(50, 10, 10));
		const blind = runJob(400, account, { ...initialLimiter(50, 50, 50) });
		expect(adaptive.trace.at(-1)?.limit).toBeLessThan(30);
		expect(adaptive.ms).toBeLessThan(0.9 * blind.ms);
	});

	it('a 429 with Retry-After: no request starts before the wait is over', () => {
		let refusedOnce = false;
		const account = {
			latencyMs: () => 50,
			refuses: (_inFlight: number, done: number) => {
				if (done < 100 || refusedOnce) return false;
				refusedOnce = true;
				return true;
			},
			retryAfterMs: 1000,
		};
		const job = runJob(300, account, initialLimiter(50, 10, 10));
		const refusedAt = job.trace.find((_step, index) => index === 99)?.at ?? 0;
		expect(job.starts.filter((at) => at > refusedAt && at < refusedAt + 1000)).toEqual([]);
	});
});

/** 'started' when `acquiring` resolves within `ms`, else 'still waiting'. */
async function startedWithin(acquiring: Promise<unknown>, ms: number) {
	return await Promise.race([
		acquiring.then(() => 'started'),
		new Promise((resolve) => setTimeout(() => resolve('still waiting'), ms)),
	]);
}

describe('RequestLimiter', () => {
	it('a request waits for a place and starts when one is freed', async () => {
		const limiter = new RequestLimiter(1);
		const ticket = await limiter.acquire();
		let second = false;
		const waiting = limiter.acquire().then(() => (second = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(second).toBe(false);
		limiter.release(ticket, 'answered');
		await waiting;
		expect(second).toBe(true);
		expect(limiter.snapshot.inFlight).toBe(1);
	});

	it('after a 429 with Retry-After, nothing starts before the wait is over', async () => {
		const limiter = new RequestLimiter(4);
		const ticket = await limiter.acquire();
		const at = Date.now();
		limiter.release(ticket, { rateLimited: { waitMs: 150 } });
		await limiter.acquire();
		expect(Date.now() - at).toBeGreaterThanOrEqual(140);
	});

	it('a waiting request stops at once when its signal aborts', async () => {
		const limiter = new RequestLimiter(1);
		const ticket = await limiter.acquire();
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal);
		controller.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		limiter.release(ticket, 'answered');
		expect(limiter.snapshot.inFlight).toBe(0);
	});
	it('a freed place goes to the request that has waited longest (items start in input order)', async () => {
		const limiter = new RequestLimiter(1);
		const first = await limiter.acquire();
		const order: number[] = [];
		const waiters = [1, 2, 3].map((n) =>
			limiter.acquire().then((ticket) => {
				order.push(n);
				return ticket;
			}),
		);
		let ticket = first;
		for (const waiter of waiters) {
			limiter.release(ticket, 'answered');
			ticket = await waiter;
		}
		expect(order).toEqual([1, 2, 3]);
	});

	it('freed places wake only the requests that may start, one a turn of the event loop (the others sleep on)', async () => {
		const limiter = new RequestLimiter(4, 2);
		const tickets = [await limiter.acquire(), await limiter.acquire()];
		await new Promise((resolve) => setTimeout(resolve, 5));
		let relistened = 0;
		const signals = Array.from({ length: 30 }, () => {
			const signal = new AbortController().signal;
			const listen = signal.addEventListener.bind(signal);
			// A waiter woken for nothing goes back to sleep, and listens on its signal again.
			signal.addEventListener = ((...args: Parameters<typeof listen>) => {
				relistened += 1;
				listen(...args);
			}) as typeof signal.addEventListener;
			return signal;
		});
		const waiting = signals.map(async (signal) => await limiter.acquire(signal));
		await new Promise((resolve) => setImmediate(resolve));
		const asleep = relistened;
		// Slow start lets one more go too: two places.
		limiter.release(tickets[0], 'answered');
		await new Promise((resolve) => setImmediate(resolve));
		expect(limiter.snapshot.inFlight).toBe(2);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(limiter.snapshot.inFlight).toBe(3);
		expect(relistened - asleep).toBe(0);
		void waiting;
	});

	it('requests that may all start go one a turn of the event loop, not all in one (paced, not a burst)', async () => {
		const limiter = new RequestLimiter(10, 10);
		const turns: number[] = [];
		let turn = 0;
		const ticking = setInterval(() => (turn += 1), 0);
		await Promise.all(
			Array.from({ length: 5 }, async () => {
				await limiter.acquire();
				turns.push(turn);
			}),
		);
		clearInterval(ticking);
		expect(new Set(turns).size).toBe(5);
	});

	it('a waiter woken for a place but stopped before it took it passes the place on (nobody waits for ever)', async () => {
		const limiter = new RequestLimiter(1, 1);
		const ticket = await limiter.acquire();
		const controller = new AbortController();
		const stopped = limiter.acquire(controller.signal);
		const next = limiter.acquire();
		limiter.release(ticket, 'answered');
		// Woken, and stopped before its turn came round.
		controller.abort(new Error('stopped'));
		await expect(stopped).rejects.toThrow('stopped');
		expect(await startedWithin(next, 200)).toBe('started');
	});

	it('a waiter woken during a Retry-After pause and stopped while it waits passes the place on', async () => {
		const limiter = new RequestLimiter(2, 2);
		const first = await limiter.acquire();
		const second = await limiter.acquire();
		const controller = new AbortController();
		const stopped = limiter.acquire(controller.signal);
		const next = limiter.acquire();
		// Refused with a Retry-After of 100 ms: every new request waits; one place is free.
		limiter.release(second, { rateLimited: { waitMs: 100 } });
		limiter.release(first, 'answered');
		await new Promise((resolve) => setTimeout(resolve, 20));
		// The waiter woken for that place is sleeping the pause out when it is stopped.
		controller.abort(new Error('stopped'));
		await expect(stopped).rejects.toThrow('stopped');
		expect(await startedWithin(next, 1000)).toBe('started');
	});
});
