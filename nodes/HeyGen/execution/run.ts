import type { HeyGenContext } from './context';
import { RequestLimiter } from './limiter';

/**
 * Requests at Once: items, files and requests in flight at most, in one node run; the default also
 * where the node does not say (the trigger, list searches). HeyGen documents no limit for its asset
 * endpoints; on 429 the limiter goes lower by itself.
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

	constructor(requestsAtOnce: number) {
		this.limiter = new RequestLimiter(requestsAtOnce);
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

/** Starts what one node run shares, with at most `requestsAtOnce` requests in flight. */
export function beginRun(context: HeyGenContext, requestsAtOnce: number): RunShared {
	const shared = new RunShared(requestsAtOnce);
	sharedByRun.set(context, shared);
	return shared;
}

/** What this run shares (started with the default where the node did not start it). */
export function runShared(context: HeyGenContext): RunShared {
	return sharedByRun.get(context) ?? beginRun(context, REQUESTS_AT_ONCE.default);
}
