/**
 * One node run: its context and credential, the request limiter shared by every request of the run,
 * cancellation, pauses and bounded concurrency. Knows nothing of HTTP or of HeyGen's endpoints.
 */

export {
	cancelledError,
	isCancellation,
	type RequestContext,
	stoppedError,
	stoppingOn,
	stopSignal,
	wait,
} from './cancel';
export { mapWithConcurrency } from './concurrency';
export {
	accountFingerprint,
	CREDENTIAL_TYPE,
	credentialFor,
	type HeyGenContext,
	oncePerRun,
} from './context';
export { type LimiterTicket, refusedForConcurrency, RequestLimiter } from './limiter';
export { pause } from './pause';
export { beginRun, REQUESTS_AT_ONCE, runShared, RunShared } from './run';
