/**
 * `node scripts/limiter-candidates.js`: the simulation that chose the limiter (docs/reliability.md,
 * "Why this one, with figures"). Candidate limiters against a simulated account: 400 items, 50 ms a
 * request, an item costing n8n 2.5 ms of CPU first, a 429 answered at once, an item's backoff after
 * a 429 (1 s, 2 s, …) holding its place for items. Prints each candidate's time and 429s. A model,
 * not a measurement: `npm run bench:bulk` measures the node in the real n8n.
 */
'use strict';

// n8n's per-item CPU: CPU ms of serial work before each item's first request.
const MAX = 50,
	START = 10;
/**
 * @param {any} policy
 * @param {{ N?: number, L?: number, K?: (done: number) => number, CPU?: number, rise?: number }} options
 */
function simulate(policy, { N = 400, L = 50, K = () => Infinity, CPU = 2.5, rise = 0 }) {
	let t = 0,
		inFlight = 0,
		serverIn = 0,
		done = 0,
		r429 = 0,
		maxIn = 0;
	/** @type {Array<{ at: number, fn: () => void }>} */
	const events = [];
	const push = (/** @type {number} */ at, /** @type {() => void} */ fn) => {
		events.push({ at, fn });
		events.sort((a, b) => a.at - b.at);
	};
	/** @type {Array<{ tries: number, take: () => void }>} items waiting for a place */
	const queue = [];
	let cpuFree = 0,
		next = 0;
	const st = policy.init();
	const pump = () => {
		while (queue.length && inFlight < Math.floor(st.limit)) {
			const item = /** @type {{ tries: number, take: () => void }} */ (queue.shift());
			inFlight++;
			maxIn = Math.max(maxIn, inFlight);
			const sentAt = inFlight,
				start = t;
			if (serverIn >= K(done)) {
				r429++;
				push(t, () => {
					inFlight--;
					policy.refused(st, sentAt, inFlight);
					item.tries++;
					push(
						t +
							(policy.retryNow && sentAt >= 2 && item.tries === 1
								? 0
								: 1000 * 2 ** (item.tries - 1)),
						() => {
							queue.unshift(item);
							pump();
						},
					);
					pump();
				});
				continue;
			}
			serverIn++;
			const lat = L + rise * Math.max(0, serverIn - 8);
			push(t + lat, () => {
				serverIn--;
				inFlight--;
				done++;
				policy.answered(st, t - start, sentAt);
				item.take();
				pump();
			});
		}
	};
	// W workers (items in progress at once) take items in turn; each item costs CPU ms of n8n's serial work first.
	const W = policy.workers ?? MAX;
	const take = () => {
		if (next >= N) return;
		next++;
		cpuFree = Math.max(cpuFree, t) + CPU;
		push(cpuFree, () => {
			queue.push({ tries: 0, take });
			pump();
		});
	};
	for (let w = 0; w < W; w++) take();
	while (events.length) {
		const e = /** @type {{ at: number, fn: () => void }} */ (events.shift());
		t = e.at;
		e.fn();
	}
	return { ms: Math.round(t), r429, maxIn };
}
/**
 * @typedef {object} Policy
 * @property {number} [workers] items worked on at once (default: MAX)
 * @property {boolean} [retryNow] a 429 with others in flight is retried without backoff
 * @property {() => any} init
 * @property {(s: any, rtt: number, sentAt: number) => void} answered
 * @property {(s: any, sentAt: number, inFlight: number) => void} refused
 */
/** @type {Record<string, Policy>} */
const policies = {
	'old AIMD (max 10)': {
		workers: 10,
		init: () => ({ limit: 10, ceiling: 10, max: 10, calm: 0 }),
		answered(s) {
			s.limit = Math.min(s.ceiling, s.limit + 1 / s.limit);
			if (s.limit >= s.ceiling && ++s.calm >= 50 && s.ceiling < s.max) {
				s.ceiling++;
				s.calm = 0;
			}
		},
		refused(s, sentAt) {
			if (sentAt >= 2) s.ceiling = Math.max(1, Math.min(s.ceiling, sentAt - 1));
			s.limit = Math.min(s.ceiling, Math.max(1, s.limit / 2));
			s.calm = 0;
		},
	},
	'AIMD up to 50': {
		init: () => ({ limit: START, ceiling: MAX, max: MAX, calm: 0 }),
		answered(s) {
			s.limit = Math.min(s.ceiling, s.limit + 1 / s.limit);
			if (s.limit >= s.ceiling && ++s.calm >= 50 && s.ceiling < s.max) {
				s.ceiling++;
				s.calm = 0;
			}
		},
		refused(s, sentAt) {
			if (sentAt >= 2) s.ceiling = Math.max(1, Math.min(s.ceiling, sentAt - 1));
			s.limit = Math.min(s.ceiling, Math.max(1, s.limit / 2));
			s.calm = 0;
		},
	},
	'Vegas (a3 b6) up to 50, 429 halves': {
		init: () => ({ limit: START, min: Infinity }),
		answered(s, rtt) {
			s.min = Math.min(s.min, rtt);
			const q = s.limit * (1 - s.min / rtt);
			if (q < 3) s.limit = Math.min(MAX, s.limit + (1 / s.limit) * 1);
			else if (q > 6) s.limit = Math.max(1, s.limit - 1 / s.limit);
		},
		refused(s) {
			s.limit = Math.max(1, s.limit / 2);
		},
	},
	'chosen: slow start, settle below the 429, probe': {
		retryNow: true,
		init: () => ({
			limit: START,
			ceiling: MAX,
			known: false,
			calm: 0,
			rounds: 4,
			probe: 0,
			base: Infinity,
			recent: 0,
			epoch: 0,
		}),
		answered(s, rtt) {
			s.base = rtt <= s.base ? rtt : s.base + (rtt - s.base) * 0.002;
			s.recent = s.recent === 0 ? rtt : s.recent + (rtt - s.recent) * 0.1;
			if (s.recent > 2 * s.base) {
				if (s.limit > 10) {
					s.ceiling = Math.max(10, Math.floor((s.limit * 2 * s.base) / s.recent));
					s.limit = s.ceiling;
					s.known = true;
				}
				return;
			}
			if (!s.known) {
				s.limit = Math.min(MAX, s.limit + 1);
				return;
			}
			if (s.limit < s.ceiling) {
				s.limit = Math.min(s.ceiling, s.limit + 1);
				s.calm = 0;
				return;
			}
			if (s.ceiling < MAX && ++s.calm >= s.rounds * s.ceiling) {
				if (s.probe > 0) s.rounds = Math.max(1, s.rounds / 2);
				s.ceiling++;
				s.limit = s.ceiling;
				s.calm = 0;
				s.probe = s.ceiling;
			}
		},
		refused(s, sentAt) {
			s.known = true;
			s.calm = 0;
			if (sentAt < 2) {
				s.limit = Math.max(1, Math.floor(s.limit / 2));
				return;
			}
			if (sentAt > s.ceiling) return;
			if (s.probe > 0 && sentAt >= s.probe) s.rounds = Math.min(16, s.rounds * 2);
			s.probe = 0;
			s.ceiling = sentAt - 1;
			s.limit = Math.min(s.limit, s.ceiling);
		},
	},
};
const cases = {
	unlimited: {},
	'limit 8': { K: () => 8 },
	'limit 8 -> 4 at item 200': { K: (/** @type {number} */ d) => (d < 200 ? 8 : 4) },
	'limit 4 -> 16 at item 200': { K: (/** @type {number} */ d) => (d < 200 ? 4 : 16) },
	'limit 1': { K: () => 1, N: 100 },
	'latency rises above 8 (+10 ms each)': { rise: 10 },
};
for (const [c, o] of Object.entries(cases)) {
	console.log(`\n${c}:`);
	for (const [p, pol] of Object.entries(policies)) {
		const r = simulate(pol, o);
		console.log(
			`  ${p.padEnd(44)} ${String(r.ms).padStart(6)} ms  429s ${String(r.r429).padStart(4)}  max in flight ${r.maxIn}`,
		);
	}
}
