import type { HeyGenContext } from './context';
import { RequestLimiter } from './limiter';

/**
 * Requests at Once: items, files and requests in flight at most, in one node run; the default also
 * where the node does not say (the trigger, list searches). HeyGen documents no limit for its asset
 * endpoints; on 429 the limiter goes lower by itself.
 */
export const REQUESTS_AT_ONCE = { default: 10, min: 1, max: 50 } as const;

/** What the items of one node run share: the request limiter, and a signal that stops them all. */
export interface RunShared {
	limiter: RequestLimiter;
	/** Aborted when one item failed with On Error → Stop: the others stop at once. */
	stop: AbortController;
}

const sharedByRun = new WeakMap<object, RunShared>();

/** Starts what one node run shares, with at most `requestsAtOnce` requests in flight. */
export function beginRun(context: HeyGenContext, requestsAtOnce: number): RunShared {
	const shared = { limiter: new RequestLimiter(requestsAtOnce), stop: new AbortController() };
	sharedByRun.set(context, shared);
	return shared;
}

/** What this run shares (started with the default where the node did not start it). */
export function runShared(context: HeyGenContext): RunShared {
	return sharedByRun.get(context) ?? beginRun(context, REQUESTS_AT_ONCE.default);
}
