import type { HeyGenContext } from '../execution';
import { httpDate } from './retry';

/** How far HeyGen's clock is ahead of this machine's (ms), from the Date header of its latest answer in a run. */
const offsetByRun = new WeakMap<object, number>();

/** Notes HeyGen's clock from an answer's Date header (an HTTP-date; anything else says nothing). */
export function noteServerDate(context: HeyGenContext, header: unknown) {
	const text = Array.isArray(header) ? header[0] : header;
	if (typeof text !== 'string') return;
	const serverMs = httpDate(text.trim());
	if (serverMs !== undefined) offsetByRun.set(context, serverMs - Date.now());
}

/**
 * Now on HeyGen's clock, in Unix seconds: the clock its upload times are on. From the Date header of
 * its answers in this run; this machine's clock where HeyGen sent none.
 */
export function serverNowSeconds(context: HeyGenContext): number {
	return Math.floor((Date.now() + (offsetByRun.get(context) ?? 0)) / 1000);
}
