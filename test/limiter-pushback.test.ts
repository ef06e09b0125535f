/**
 * What is and is not pushback for the automatic pace: a quota's burst of 429s is one signal, not a
 * level each; answers whose time is not load (a fast proxy error, file transfers) do not hold the
 * pace down; a Retry-After date is read on HeyGen's clock, and one already past is not "wait 0".
 */
import {
	answered,
	initialLimiter,
	type LimiterState,
	type LimiterTicket,
	started,
} from '../nodes/HeyGen/execution/limiter';
import { REQUESTS_AT_ONCE } from '../nodes/HeyGen/execution/run';
import { type Account, runJob } from './helpers/simulated-account';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

/** The limiter a run without Requests at Once gets (run.ts: RunShared). */
const automatic = () =>
	initialLimiter(REQUESTS_AT_ONCE.max, REQUESTS_AT_ONCE.default, REQUESTS_AT_ONCE.default);

/** An account with no concurrency limit that refuses the `burst` requests after `after` are done. */
function quotaBurst(latencyMs: number, after: number, burst: number): Account {
	let refused = 0;
	return {
		latencyMs: () => latencyMs,
		refuses: (_inFlight, done) => {
			if (done < after || refused >= burst) return false;
			refused += 1;
			return true;
		},
	};
}

describe('a transient 429 burst (a quota, no Retry-After) on an account with no concurrency limit', () => {
	it('may take the ceiling low (its 429s look like levels), but the pace is back at the maximum within 200 answers of the lowest point', () => {
		const job = runJob(3000, quotaBurst(50, 500, 60), automatic());
		const after = job.trace.slice(500);
		const lowest = Math.min(...after.map((point) => point.ceiling));
		expect(lowest).toBeLessThan(REQUESTS_AT_ONCE.max);
		const lowestAt = 500 + after.findIndex((point) => point.ceiling === lowest);
		expect(job.trace[lowestAt + 200].limit).toBe(REQUESTS_AT_ONCE.max);
	});

	it('the job is back at full pace within a few hundred answers of the burst', () => {
		const job = runJob(3000, quotaBurst(50, 500, 60), automatic());
		// 1,000 answers after the burst the account still takes everything: the limiter should be back
		// at the maximum (it got there from 10 in under 50 answers at the start of the job).
		expect(job.trace[1500].limit).toBe(REQUESTS_AT_ONCE.max);
	});
});

/** Keeps the limiter full with requests that each take `ms`, answered oldest first; `count` answers. */
function steady(
	state: LimiterState,
	count: number,
	ms: (index: number) => number,
	clock: { now: number },
	timed = true,
) {
	const flight: LimiterTicket[] = [];
	for (let i = 0; i < count; i++) {
		while (flight.length < Math.floor(state.limit)) {
			state = started(state);
			flight.push({ epoch: state.epoch, inFlight: state.inFlight, startedAt: clock.now });
		}
		const ticket = flight.shift() as LimiterTicket;
		clock.now = ticket.startedAt + ms(i);
		state = answered(state, ticket, clock.now, timed);
	}
	return state;
}

describe('latency as pushback: answers whose time is not load', () => {
	it('one fast answer (a 404 or a 503 from a proxy, in 1 ms) does not take an unlimited account from 50 to 10 for hundreds of answers', () => {
		const clock = { now: 0 };
		let state = steady(automatic(), 300, () => 50, clock);
		expect(state.limit).toBe(50);
		state = steady(state, 1, () => 1, clock);
		// The same 50 ms as before, the account as idle as before: nothing pushed back.
		state = steady(state, 300, () => 50, clock);
		expect(state.limit).toBe(50);
	});

	it('file downloads taking their size in time (500 ms) after fast API answers (20 ms) keep the limit a run reached', () => {
		const clock = { now: 0 };
		// The list of assets: fast API answers, the limit grows to the maximum.
		let state = steady(automatic(), 100, () => 20, clock);
		expect(state.limit).toBe(50);
		// Then the files, from a file host with no limit: each takes 500 ms however many go at once.
		// File transfers are released untimed (retry.ts: `transfer`), as download.ts and direct.ts send them.
		state = steady(state, 300, () => 500, clock, false);
		expect(state.limit).toBe(REQUESTS_AT_ONCE.max);
	});
});

describe('over HTTP, with the stand-in', () => {
	type StandIn = Awaited<ReturnType<typeof startStandIn>>;
	let standIn: StandIn;
	afterEach(async () => {
		await standIn?.close();
	});
	const get = {
		resource: 'asset',
		operation: 'get',
		assetId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
	};

	/** Five Asset → Get items while the account refuses all until `quotaEndsAt` (our clock); their errors. */
	async function errorsOfFiveGets(account: StandIn, quotaEndsAt: number) {
		setTimeout(
			() => account.set({ maxInFlight: undefined, rateLimitRetryAfter: undefined }),
			quotaEndsAt - Date.now(),
		).unref();
		const { output } = await runHeyGenNode({
			credentials: { apiKey: account.apiKey, baseUrl: account.url },
			parameters: get,
			input: account.assets.slice(0, 5).map((asset) => ({ json: { id: asset.id } })),
			nodeVersion: 2,
			continueOnFail: true,
		});
		return output[0].map((item) => item.json.error);
	}

	it('without Requests at Once, 64 KB downloads from a file host with no limit go past 10 at once', async () => {
		standIn = await startStandIn({ assets: 200, folders: 2, seed: 7, fileSizeBytes: 64 * 1024 });
		// API answers in 10 ms; each file takes ~320 ms to send whatever else is going on (its size).
		standIn.set({ latencyMs: 10, linkBytesPerSecond: 200 * 1024 });
		const { output } = await runHeyGenNode({
			credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
			parameters: {
				resource: 'asset',
				operation: 'getAll',
				returnAll: true,
				filters: {},
				download: true,
				binaryPropertyName: 'data',
			},
			nodeVersion: 2,
		});
		expect(output[0]).toHaveLength(200);
		// Nothing pushed back (no 429, no load-dependent latency); a user's 50 gets 50 here.
		expect(standIn.fileStats.maxInFlight).toBeGreaterThan(REQUESTS_AT_ONCE.default);
	}, 60_000);

	it('a quota with Retry-After as an HTTP-date, on a server whose clock is 2 s behind: no item fails', async () => {
		standIn = await startStandIn({ assets: 20, folders: 2, seed: 7, clockOffsetSeconds: -2 });
		const account = standIn;
		// The quota window ends on a whole second of the server's clock, 3–4 s from now (past the harness's start); its 429s say so.
		const serverNow = Date.now() - 2000;
		const resetServer = Math.ceil((serverNow + 3000) / 1000) * 1000;
		const resetLocal = resetServer + 2000;
		standIn.set({
			latencyMs: 5,
			maxInFlight: 0,
			rateLimitRetryAfter: new Date(resetServer).toUTCString(),
		});
		expect(await errorsOfFiveGets(account, resetLocal)).toEqual(Array(5).fill(undefined));
	}, 60_000);

	it('a quota whose window ends between two whole seconds (Retry-After, an HTTP-date, can only say the second before): no item fails', async () => {
		standIn = await startStandIn({ assets: 20, folders: 2, seed: 7 });
		const account = standIn;
		// The window ends 900 ms after a whole second; the header names that whole second. A request
		// waking at it gets 429 again, with a date now past: the node takes that as "wait 0".
		const whole = Math.ceil((Date.now() + 3000) / 1000) * 1000;
		standIn.set({
			latencyMs: 5,
			maxInFlight: 0,
			rateLimitRetryAfter: new Date(whole).toUTCString(),
		});
		expect(await errorsOfFiveGets(account, whole + 900)).toEqual(Array(5).fill(undefined));
	}, 60_000);
});
