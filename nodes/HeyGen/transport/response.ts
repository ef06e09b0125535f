import type { IDataObject, IN8nHttpFullResponse, INode } from 'n8n-workflow';

import {
	heyGenContractError,
	heyGenErrorMessage,
	heyGenStatusError,
	type HttpMethod,
	requestLabel,
} from '../helpers';

/** A body as JSON, or the text it is when it is not JSON. */
export function parseJson(
	body: unknown,
): { ok: true; value: unknown } | { ok: false; text: string } {
	if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
		return { ok: true, value: body };
	}
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, text };
	}
}

export function headerValue(headers: IN8nHttpFullResponse['headers'], name: string): unknown {
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() === name) return value;
	}
	return undefined;
}

/** How much of an answer that is not what was expected a message quotes. */
const SNIPPET_LENGTH = 120;

/** Some text of an answer for a message: whitespace folded, cut at `length`. */
export function snippet(text: string, length = SNIPPET_LENGTH): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

interface AnsweredRequest {
	method: HttpMethod;
	endpoint: string;
	itemIndex?: number;
	earlier: string[];
	waitedMs?: number;
}

/** The error for an answer that is not a 2xx. */
function statusError(
	node: INode,
	response: IN8nHttpFullResponse,
	request: AnsweredRequest,
	body: unknown,
) {
	const location = headerValue(response.headers, 'location');
	return heyGenStatusError(node, {
		status: response.statusCode,
		method: request.method,
		endpoint: request.endpoint,
		body,
		location: typeof location === 'string' ? location : undefined,
		earlierAttempts: request.earlier,
		waitedMs: request.waitedMs,
		itemIndex: request.itemIndex,
	});
}

/** Turns HeyGen's answer into its JSON body, or into the error it means. */
export function parseAnswer(
	node: INode,
	response: IN8nHttpFullResponse,
	request: AnsweredRequest,
): IDataObject {
	const { itemIndex } = request;
	const label = requestLabel(request);
	const status = response.statusCode;
	const parsed = parseJson(response.body);
	if (status < 200 || status >= 300) {
		throw statusError(node, response, request, parsed.ok ? parsed.value : undefined);
	}
	// A write answered with nothing (204, or an empty 200) succeeded and has nothing more to say.
	if (!parsed.ok && parsed.text.trim() === '' && request.method !== 'GET') return { data: {} };
	if (!parsed.ok) {
		const contentType = headerValue(response.headers, 'content-type');
		throw heyGenContractError(
			node,
			'HeyGen returned a response that is not JSON',
			`${label} answered ${status} with ${
				typeof contentType === 'string' ? contentType : 'no content type'
			}: "${snippet(parsed.text)}"`,
			status,
			itemIndex,
		);
	}
	const body = parsed.value;
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		throw heyGenContractError(
			node,
			'HeyGen returned an unexpected response',
			`${label} answered ${status} with JSON that is not an object.`,
			status,
			itemIndex,
		);
	}
	const record = body as IDataObject;
	if (record.error !== null && record.error !== undefined && record.error !== '') {
		const heyGenMessage = heyGenErrorMessage(record) ?? JSON.stringify(record.error);
		throw heyGenContractError(
			node,
			`HeyGen error: ${heyGenMessage}`,
			`${label} answered ${status} but reported an error.`,
			status,
			itemIndex,
		);
	}
	return record;
}
