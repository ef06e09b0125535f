/** HeyGen's API, used when the credential's Base URL is empty (by the node and the credential test). */
export const DEFAULT_BASE_URL = 'https://api.heygen.com';

/**
 * Text without the user name and password of any URL in it (a Base URL through a proxy can carry
 * them): no message or description shows them.
 */
export function withoutUserInfo(text: string): string {
	return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}

/**
 * A URL as the messages name it: origin and path, never the query (signed storage and file URLs
 * carry their tokens there) nor a user name and password.
 */
export function shownUrl(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}`;
	} catch {
		return 'an address that is not a URL';
	}
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The request as the messages name it: method and path, never the query or the key. */
export function requestLabel(request: { method?: HttpMethod; endpoint: string }): string {
	return `${request.method ?? 'GET'} ${request.endpoint}`;
}
