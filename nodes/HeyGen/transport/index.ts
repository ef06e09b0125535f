/**
 * HTTP only: one request to the credential's Base URL through n8n's helpers, its answer, retries,
 * 409s waited out, HeyGen's clock from the Date header, idle timeouts and streams. Names no endpoint.
 */

export {
	inMemoryGraceMs,
	NO_WHOLE_REQUEST_LIMIT,
	type TransferProgress,
	withIdleTimeout,
} from './idle';
export { heyGenApiRequest } from './request';
export { headerValue, snippet } from './response';
export { sendWithRetries } from './retry';
export { serverNowSeconds } from './serverClock';
export { type Readable, releaseBody, reportingProgress, streamLike } from './streams';
