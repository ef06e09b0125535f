/** The run's adaptive request limiter: AIMD as pure state transitions, and the async limiter over them. */
import {
	abandoned,
	answered,
	initialLimiter,
	mayStart,
	RATE_LIMIT_DECREASE,
	rateLimited,
	RequestLimiter,
	started,
} from '../nodes/HeyGen/transport/limiter';

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

it('a 429 halves the limit and pauses every new request for the wait HeyGen asked', () => {
	let state = started(started(initialLimiter(8)));
	state = rateLimited(state, 1000, 500);
	expect(state.limit).toBe(8 * RATE_LIMIT_DECREASE);
	expect(state.inFlight).toBe(1);
	expect(mayStart(state, 1499)).toBe(false);
	expect(mayStart(state, 1500)).toBe(true);
});

it('the other 429s of the same burst do not halve it again', () => {
	let state = started(started(started(initialLimiter(8))));
	state = rateLimited(state, 1000, 500);
	state = rateLimited(state, 1100, 500);
	state = rateLimited(state, 1200, 500);
	expect(state.limit).toBe(4);
	expect(state.pausedUntil).toBe(1700);
	expect(state.inFlight).toBe(0);
	// A 429 after the pause is a new signal.
	state = rateLimited(started(state), 2000, 500);
	expect(state.limit).toBe(2);
});

it('never goes below one request at once, nor above the maximum', () => {
	let state = initialLimiter(2);
	for (let i = 0; i < 5; i++) state = rateLimited(started(state), i * 1000, 10);
	expect(state.limit).toBe(1);
	for (let i = 0; i < 100; i++) state = answered(started(state));
	expect(state.limit).toBe(2);
});

it('grows back by about one per round of normal answers', () => {
	let state = { ...initialLimiter(10), limit: 4 };
	for (let i = 0; i < 4; i++) state = answered(started(state));
	expect(state.limit).toBeGreaterThan(4.9);
	expect(state.limit).toBeLessThan(5.1);
});

it('a request that got no answer frees its place and says nothing of the limit', () => {
	const state = abandoned(started(initialLimiter(4)));
	expect(state).toEqual(initialLimiter(4));
});

describe('RequestLimiter', () => {
	it('a request waits for a place and starts when one is freed', async () => {
		const limiter = new RequestLimiter(1);
		await limiter.acquire();
		let second = false;
		const waiting = limiter.acquire().then(() => (second = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(second).toBe(false);
		limiter.release({});
		await waiting;
		expect(second).toBe(true);
		expect(limiter.snapshot.inFlight).toBe(1);
	});

	it('after a 429, nothing starts before the wait is over', async () => {
		const limiter = new RequestLimiter(4);
		await limiter.acquire();
		const at = Date.now();
		limiter.release({ rateLimitedFor: 150 });
		await limiter.acquire();
		expect(Date.now() - at).toBeGreaterThanOrEqual(140);
	});

	it('a waiting request stops at once when its signal aborts', async () => {
		const limiter = new RequestLimiter(1);
		await limiter.acquire();
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal);
		controller.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		limiter.release({});
		expect(limiter.snapshot.inFlight).toBe(0);
	});
});
