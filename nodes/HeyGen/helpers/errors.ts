import { type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Reads HeyGen's message out of any of the three error body shapes it uses. */
export function heyGenErrorMessage(body: unknown): string | undefined {
	if (body === null || typeof body !== 'object') return undefined;
	const record = body as Record<string, unknown>;
	const error = record.error;
	// v1/v2: { "error": "message", "data": null }
	if (typeof error === 'string' && error.trim() !== '') return error;
	// v3: { "error": { "code": "unauthorized", "message": "…" } }
	if (error !== null && typeof error === 'object') {
		const nested = error as Record<string, unknown>;
		if (typeof nested.message === 'string' && nested.message.trim() !== '') return nested.message;
		if (typeof nested.code === 'string') return nested.code;
	}
	// v1/v2 auth failures: { "code": 400112, "message": "Unauthorized" }
	if (typeof record.message === 'string' && record.message.trim() !== '') return record.message;
	return undefined;
}

/** The machine-readable code HeyGen attached to an error, when there is one. */
export function heyGenErrorCode(body: unknown): string | undefined {
	if (body === null || typeof body !== 'object') return undefined;
	const record = body as Record<string, unknown>;
	if (record.error !== null && typeof record.error === 'object') {
		const code = (record.error as Record<string, unknown>).code;
		if (typeof code === 'string' || typeof code === 'number') return String(code);
	}
	if (typeof record.code === 'string' || typeof record.code === 'number')
		return String(record.code);
	return undefined;
}

export interface HeyGenErrorDetails {
	status: number;
	method?: string;
	endpoint: string;
	body: unknown;
	/** The Location header of a redirect. */
	location?: string;
	/** What the attempts before this answer got (statuses or network codes), oldest first. */
	earlierAttempts?: string[];
	/** How long 409s were waited out before this answer (waitOutConflicts). */
	waitedMs?: number;
	itemIndex?: number;
}

function originOf(location: string | undefined): string {
	if (!location) return 'an address it did not give';
	try {
		return new URL(location).origin;
	} catch {
		return 'another path';
	}
}

function describeStatus({ status, method = 'GET', endpoint, body, location }: HeyGenErrorDetails): {
	message: string;
	description: string;
} {
	const heyGenMessage = heyGenErrorMessage(body);
	const code = heyGenErrorCode(body);
	const said = heyGenMessage
		? `HeyGen said: "${heyGenMessage}"${code ? ` (code ${code})` : ''}.`
		: 'HeyGen gave no message.';
	if (status >= 300 && status < 400) {
		return {
			message: `HeyGen redirected the request (${status})`,
			description: `${method} ${endpoint} was redirected to ${originOf(location)}. The node does not follow redirects, so that the API key is only ever sent to the credential's Base URL; check the Base URL.`,
		};
	}
	if (status === 401) {
		return {
			message: 'The HeyGen API key was rejected',
			description: `${said} Check the API key in the node's HeyGen API credential (the API section of the HeyGen app settings).`,
		};
	}
	if (status === 403) {
		return {
			message: 'HeyGen refused access (403)',
			description: `${said} The API key may lack access to ${endpoint} on this plan.`,
		};
	}
	if ((status === 404 || status === 410) && endpoint.startsWith('/v1/')) {
		return {
			message: `HeyGen answered ${status} for ${endpoint}`,
			description: `${said} HeyGen is retiring its v1/v2 endpoints (announced for October 2026); this endpoint may be gone. Switch the node's API Version to v3, and check the credential's Base URL.`,
		};
	}
	if (status === 413) {
		return {
			message: 'HeyGen refused the file as too large (413)',
			description: `${said} Request: ${method} ${endpoint}.`,
		};
	}
	if (status === 429) {
		return {
			message: 'HeyGen rate limit reached (429), retries used up',
			description: `${said} Wait a little, or run fewer HeyGen requests at once.`,
		};
	}
	if (status >= 500) {
		return {
			message: `HeyGen server error (${status}), retries used up`,
			description: `${said} HeyGen had a problem answering ${endpoint}; try again later.`,
		};
	}
	return {
		message: heyGenMessage ? `HeyGen error: ${heyGenMessage}` : `HeyGen answered ${status}`,
		description: `${said} Request: ${method} ${endpoint}.`,
	};
}

/** An error for a non-2xx answer from HeyGen. */
export function heyGenStatusError(node: INode, details: HeyGenErrorDetails): NodeApiError {
	const { message, description: described } = describeStatus(details);
	const earlier = details.earlierAttempts ?? [];
	const tried = earlier.length
		? `${described} Earlier attempts of this request got: ${earlier.join(', ')}.`
		: described;
	const description = details.waitedMs
		? `${tried} Waited ${details.waitedMs / 1000} s in all for HeyGen to finish before giving up.`
		: tried;
	const error = heyGenApiError(node, message, description, {
		status: details.status,
		itemIndex: details.itemIndex,
	});
	error.context.earlierAttempts = earlier;
	// HeyGen's own code, where its answer had one: a 404 with none is a route HeyGen does not have.
	const code = heyGenErrorCode(details.body);
	if (code !== undefined) error.context.heyGenCode = code;
	return error;
}

/**
 * Whether a 404 is HeyGen's own "not found" for the thing asked for (a v3 error with its code),
 * not a bare 404 such as an unknown route answers (no HeyGen error shape at all).
 */
export function isHeyGenNotFound(error: unknown): error is NodeApiError {
	return isNotFound(error) && error.context.heyGenCode === 'not_found';
}

/** What the attempts before a failed answer got, as heyGenStatusError recorded them. */
export function earlierAttemptsOf(error: NodeApiError): string[] {
	const earlier = error.context.earlierAttempts;
	return Array.isArray(earlier) ? earlier.map(String) : [];
}

/**
 * Answers that say HeyGen did not act on a request: a 429 (refused), and connections that never
 * reached it. Any other earlier failure (a reset, a timeout, a 5xx) may have come after HeyGen acted.
 */
const NOT_ACTED = new Set(['429', 'ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Whether one of the earlier attempts of a request may have been carried out by HeyGen. */
export function mayHaveActed(earlierAttempts: string[]): boolean {
	return earlierAttempts.some((attempt) => !NOT_ACTED.has(attempt));
}

/**
 * The one way the node builds a NodeApiError: its message, a description, and the HTTP status when
 * there was an answer (n8n shows the status beside the message).
 */
export function heyGenApiError(
	node: INode,
	message: string,
	description: string,
	extra: { status?: number; itemIndex?: number } = {},
): NodeApiError {
	const httpCode = extra.status ? String(extra.status) : undefined;
	return new NodeApiError(node, { message, ...(httpCode ? { httpCode } : {}) } as JsonObject, {
		message,
		description,
		httpCode,
		itemIndex: extra.itemIndex,
	});
}

/** Keys shorter than this are not looked for in messages: they would cut words out of them. */
const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[redacted]';

/**
 * The error without `secret` (the credential's key) in its message or description: HeyGen may quote
 * the key it refused, and an error goes to the user, n8n's log and an AI agent alike.
 */
export function withoutSecret(node: INode, error: unknown, secret: string): unknown {
	if (secret.length < MIN_SECRET_LENGTH || !(error instanceof NodeApiError)) return error;
	const description = error.description ?? '';
	if (!error.message.includes(secret) && !description.includes(secret)) return error;
	const redact = (text: string) => text.split(secret).join(REDACTED);
	return heyGenApiError(node, redact(error.message), redact(description), {
		status: error.httpCode ? Number(error.httpCode) : undefined,
		itemIndex: error.context.itemIndex as number | undefined,
	});
}

/** An error for a 2xx answer that is not what HeyGen documents. */
export function heyGenContractError(
	node: INode,
	message: string,
	description: string,
	status: number,
	itemIndex?: number,
): NodeApiError {
	return heyGenApiError(node, message, description, { status, itemIndex });
}

/** An error as n8n wants it thrown from a node: n8n's own error classes pass through unchanged. */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** Whether HeyGen answered 404 Not Found. */
export function isNotFound(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === '404';
}

/**
 * A 404 for one thing asked for by its ID, said as what it means: `message` names the ID, `why`
 * says how that happens; HeyGen's own words stay in the description.
 */
export function notFoundError(
	node: INode,
	error: NodeApiError,
	message: string,
	why: string,
	itemIndex?: number,
): NodeApiError {
	return new NodeApiError(node, { message, httpCode: '404' } as JsonObject, {
		message,
		description: `${error.description ?? ''} ${why}`.trim(),
		httpCode: '404',
		itemIndex,
	});
}
