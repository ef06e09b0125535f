/** The run's adaptive request limiter: AIMD with a ceiling, as pure state transitions, and the async limiter over them. */
import {
	abandoned,
	answered,
	initialLimiter,
	type LimiterState,
	mayStart,
	PROBE_AFTER_ANSWERS,
	RATE_LIMIT_DECREASE,
	rateLimited,
	RequestLimiter,
	started,
} from '../nodes/HeyGen/execution/limiter';

const startMany = (state: LimiterState, count: number) =>
	Array.from({ length: count }).reduce<LimiterState>((s) => started(s), state);

it('lets up to the maximum start at once, and no more', () => {
	let state = initialLimiter(3);
	for (let i = 0; i < 3; i++) {
		expect(mayStart(state, 0)).toBe(true);
		state = started(state);
	}
	expect(mayStart(state, 0)).toBe(false);
	state = answered(state);
	expect(mayStart(state, 0)).toBe(true);
});

it('a 429 halves the limit and puts the ceiling just below what was in flight', () => {
	let state = startMany(initialLimiter(8), 5);
	state = rateLimited(state, 1000, { epoch: 0 });
	expect(state.limit).toBe(8 * RATE_LIMIT_DECREASE);
	expect(state.ceiling).toBe(4);
	expect(state.inFlight).toBe(4);
	// No Retry-After: nothing is held back, only fewer go at once.
	expect(state.pausedUntil).toBe(0);
});

it('a 429 with Retry-After pauses every new request for that long', () => {
	const state = rateLimited(startMany(initialLimiter(8), 1), 1000, { epoch: 0, waitMs: 500 });
	expect(mayStart(state, 1499)).toBe(false);
	expect(mayStart(state, 1500)).toBe(true);
});

it('the other 429s of the same burst (requests started before the decrease) do not halve it again', () => {
	let state = startMany(initialLimiter(8), 6);
	state = rateLimited(state, 1000, { epoch: 0 });
	state = rateLimited(state, 1001, { epoch: 0 });
	state = rateLimited(state, 1002, { epoch: 0 });
	expect(state.limit).toBe(4);
	expect(state.ceiling).toBe(5);
	expect(state.inFlight).toBe(3);
	// A 429 of a request started after it is a new signal.
	state = rateLimited(started(state), 2000, { epoch: state.epoch });
	expect(state.limit).toBe(2);
});

it('grows back by about one per round of answers, up to the ceiling and not past it', () => {
	let state = { ...initialLimiter(10), limit: 2, ceiling: 4 };
	for (let i = 0; i < 2; i++) state = answered(started(state));
	expect(state.limit).toBeGreaterThan(2.8);
	expect(state.limit).toBeLessThan(3.1);
	for (let i = 0; i < 20; i++) state = answered(started(state));
	expect(state.limit).toBe(4);
});

it('after enough calm answers at the ceiling, tries one more at once, up to the maximum', () => {
	let state = { ...initialLimiter(6), limit: 4, ceiling: 4 };
	for (let i = 0; i < PROBE_AFTER_ANSWERS; i++) state = answered(started(state));
	expect(state.ceiling).toBe(5);
	for (let i = 0; i < 10 * PROBE_AFTER_ANSWERS; i++) state = answered(started(state));
	expect(state.ceiling).toBe(6);
	expect(state.limit).toBe(6);
});

it('never goes below one request at once', () => {
	let state = initialLimiter(2);
	for (let i = 0; i < 5; i++) state = rateLimited(started(state), i * 1000, { epoch: state.epoch });
	expect(state.limit).toBe(1);
	expect(mayStart(state, 10_000)).toBe(true);
});

it('a 429 with one request in flight halves the limit but keeps the ceiling: it says nothing of how many at once', () => {
	const state = rateLimited(started(initialLimiter(10)), 1000, { epoch: 0 });
	expect(state.limit).toBe(5);
	expect(state.ceiling).toBe(10);
});

it('a 429 never leaves the limit above the new ceiling', () => {
	const state = rateLimited(startMany(initialLimiter(10), 3), 1000, { epoch: 0 });
	expect(state.ceiling).toBe(2);
	expect(state.limit).toBe(2);
});

it('a request that got no answer frees its place and says nothing of the limit', () => {
	expect(abandoned(started(initialLimiter(4)))).toEqual(initialLimiter(4));
});

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
});
