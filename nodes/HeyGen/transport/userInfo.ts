/**
 * Text without the user name and password of any URL in it (a Base URL through a proxy can carry
 * them): no message or description shows them.
 */
export function withoutUserInfo(text: string): string {
	return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}
