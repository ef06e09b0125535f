import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { CREDENTIAL_TYPE, credentialFor, type HeyGenContext, stoppingOn } from '../execution';
import {
	heyGenApiError,
	type HttpMethod,
	requestLabel,
	withoutSecret,
	withoutUserInfo,
} from '../helpers';
import { type ConflictKind, waitOutConflicts } from './conflict';
import { NO_WHOLE_REQUEST_LIMIT, type TransferProgress, withIdleTimeout } from './idle';
import { headerValue, parseAnswer } from './response';
import { RETRY_POLICY, sendWithRetries } from './retry';
import { noteServerDate } from './serverClock';
import { type Readable, releaseBody } from './streams';

/**
 * A request body, made anew for each attempt (a stream can be sent only once). A file's body reports
 * its progress to the transfer's watch, when the request is a transfer.
 */
export type RequestBody = (
	progress?: TransferProgress,
) => string | Buffer | Readable | Promise<string | Buffer | Readable>;

export interface HeyGenRequest {
	method?: HttpMethod;
	/** The path under the credential's Base URL, e.g. /v3/assets. */
	endpoint: string;
	qs?: IDataObject;
	headers?: Record<string, string>;
	body?: RequestBody;
	itemIndex?: number;
	/**
	 * The 409s waited out and sent again (waitOutConflicts); by default request_in_progress when the
	 * request carries an Idempotency-Key, as then the same key brings the stored answer.
	 */
	conflicts?: readonly ConflictKind[];
	/**
	 * The request carries a file: no limit on its whole time, the idle timeout instead
	 * (TRANSFER_POLICY), so that a slow link can send a large file.
	 */
	transfer?: boolean;
}

function conflictsOf(request: HeyGenRequest): readonly ConflictKind[] {
	return request.conflicts ?? (request.headers?.['idempotency-key'] ? ['inProgress'] : []);
}

/**
 * n8n's request options for one attempt: JSON as text, no thrown statuses, no redirects. A transfer
 * has no limit on its whole time (its idle timeout watches it instead); any other request has one.
 */
function attemptOptions(
	request: HeyGenRequest,
	baseURL: string,
	signal: AbortSignal,
	progress?: TransferProgress,
): IHttpRequestOptions {
	return {
		method: request.method ?? 'GET',
		baseURL,
		url: request.endpoint,
		qs: request.qs ?? {},
		headers: { accept: 'application/json', ...request.headers },
		encoding: 'text',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: progress ? NO_WHOLE_REQUEST_LIMIT : RETRY_POLICY.timeoutMs,
		// n8n strips only Authorization and Cookie on a cross-origin redirect, not x-api-key:
		// redirects are not followed, so the key never leaves the credential's base URL.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		abortSignal: progress?.signal ?? signal,
	};
}

/**
 * Calls a HeyGen API endpoint with the node's HeyGen API credential.
 *
 * Retries as sendWithRetries does: every request the node makes is safe to repeat (reads, deletes,
 * and creations that carry an Idempotency-Key). Any other answer that is not a documented success
 * becomes a NodeApiError. Resolves with the parsed JSON body.
 */
export async function heyGenApiRequest(
	this: HeyGenContext,
	request: HeyGenRequest,
): Promise<IDataObject> {
	const { endpoint, itemIndex } = request;
	const method = request.method ?? 'GET';
	const { baseURL, credentialsDecrypted } = await credentialFor(this);
	const node = this.getNode();
	const attempt = async (signal: AbortSignal, progress?: TransferProgress) => {
		const options = attemptOptions(request, baseURL, signal, progress);
		if (request.body) options.body = await request.body(progress);
		const sender = stoppingOn(this, progress?.signal ?? signal);
		try {
			return (await this.helpers.httpRequestWithAuthentication.call(
				sender,
				CREDENTIAL_TYPE,
				options,
				{ credentialsDecrypted },
			)) as IN8nHttpFullResponse;
		} finally {
			releaseBody(options.body);
		}
	};
	const send = request.transfer
		? async (signal: AbortSignal) =>
				await withIdleTimeout(signal, async (progress) => await attempt(signal, progress))
		: attempt;
	const what = {
		label: `to HeyGen (${requestLabel(request)})`,
		target: `${method} ${withoutUserInfo(baseURL)}${endpoint}`,
		itemIndex,
	};
	const exchange = async () =>
		await sendWithRetries(this, what, send, (description) =>
			heyGenApiError(node, 'Could not reach HeyGen', description, { itemIndex }),
		);
	try {
		const { response, earlier, waitedMs } = await waitOutConflicts(
			this,
			what,
			conflictsOf(request),
			exchange,
		);
		noteServerDate(this, headerValue(response.headers, 'date'));
		return parseAnswer(node, response, { method, endpoint, itemIndex, earlier, waitedMs });
	} catch (error) {
		throw withoutSecret(node, error, String(credentialsDecrypted.data.apiKey ?? ''));
	}
}
