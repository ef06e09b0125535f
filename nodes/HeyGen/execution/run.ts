import type { HeyGenContext } from './context';
import { RequestLimiter } from './limiter';

/**
 * Requests at Once: items, files and requests in flight at most, in one node run. Set by the user,
 * it is a bound the limiter never passes. Not set (automatic, also where the node does not say: the
 * trigger, list searches), the limiter starts at `default` — the field's value when the option is
 * added — and finds the account's level up to `max`. HeyGen documents no limit for its asset
 * endpoints and says "too many" with 429, which the limiter stays just under.
 */
export const REQUESTS_AT_ONCE = { default: 10, min: 1, max: 50 } as const;

/**
 * What the items of one node run share: the request limiter, and the items' stop signals. When an
 * item fails with On Error → Stop, the items after it stop at once; those before it go on, so that
 * the failure reported is the first in input order, as when items ran one after another.
 */
export class RunShared {
	readonly limiter: RequestLimiter;

	private readonly stops = new Map<number, AbortController>();

	/** Items from this index on are stopped. */
	private stoppedFrom = Infinity;

	private stopReason: Error | undefined;

	/** `requestsAtOnce`: the user's bound, or undefined for automatic. */
	constructor(requestsAtOnce: number | undefined) {
		const max = requestsAtOnce ?? REQUESTS_AT_ONCE.max;
		const start = requestsAtOnce ?? REQUESTS_AT_ONCE.default;
		// Slow answers alone never take a run below the pace the node always had.
		this.limiter = new RequestLimiter(max, start, REQUESTS_AT_ONCE.default);
	}

	/** Items worked on at once: as many as may ever be in flight, so that an item waiting out a 429 holds nobody up. */
	get itemsAtOnce(): number {
		return this.limiter.snapshot.max;
	}

	/** Stops every item after `itemIndex`, now and when it starts. */
	stopAfter(itemIndex: number, reason: Error) {
		if (itemIndex + 1 >= this.stoppedFrom) return;
		this.stoppedFrom = itemIndex + 1;
		this.stopReason = reason;
		for (const [index, controller] of this.stops)
			if (index >= this.stoppedFrom) controller.abort(reason);
	}

	/** The signal that stops one item's requests (aborted already for an item that is stopped). */
	signalFor(itemIndex: number): AbortSignal {
		let controller = this.stops.get(itemIndex);
		if (!controller) {
			controller = new AbortController();
			this.stops.set(itemIndex, controller);
			if (itemIndex >= this.stoppedFrom) controller.abort(this.stopReason);
		}
		return controller.signal;
	}
}

const sharedByRun = new WeakMap<object, RunShared>();

/** Starts what one node run shares: at most `requestsAtOnce` requests in flight, or automatic. */
export function beginRun(context: HeyGenContext, requestsAtOnce: number | undefined): RunShared {
	const shared = new RunShared(requestsAtOnce);
	sharedByRun.set(context, shared);
	return shared;
}

/** What this run shares (started automatic where the node did not start it). */
export function runShared(context: HeyGenContext): RunShared {
	return sharedByRun.get(context) ?? beginRun(context, undefined);
}
