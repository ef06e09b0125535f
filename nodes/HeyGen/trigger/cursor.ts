/**
 * Where the HeyGen Trigger is, and what a poll emits: pure functions of the saved state and the
 * pages a poll read, so that "each asset once" can be tested without a clock or a server.
 *
 * HeyGen lists newest first. A poll reads pages from the front until it reaches back past the start
 * of the look-back window (the newest upload seen, less the window). Every asset in the window that
 * was not emitted before is emitted, oldest first; the ids of the window's assets are remembered,
 * nothing older. So an asset that appears late with an older upload time (a video that finished
 * processing after a newer upload) still comes through once, if it is inside the window.
 */

/** The look-back window when the user sets none. */
export const DEFAULT_LOOK_BACK_MINUTES = 60;

export interface CursorAsset {
	id: string;
	/** Upload time, Unix seconds. */
	ts: number;
}

/** The trigger's saved position (in n8n's static data for the node). */
export interface CursorState {
	v: 2;
	/** The query the position belongs to (API version, owner, file type, folder). */
	query: string;
	/** The newest upload time seen. */
	newestTs: number;
	/** Ids already emitted or present at the start, by upload time: only those inside the window. */
	seen: Record<string, number>;
	/** Nothing uploaded before this is ever emitted: it was there before the trigger started. */
	floorTs: number;
	/** A poll that ran out of time did not read back to here: the next one must. */
	pendingTs?: number;
}

/** What a poll starts from: a fresh position (nothing to emit), or the saved one. */
export type PollStart =
	| { kind: 'baseline' }
	| { kind: 'continue'; state: CursorState; readDownTo: number; emitFrom: number };

/** The trigger's state before version 2 of this package: the newest second and its ids. */
interface LegacyState {
	lastTs?: number;
	idsAtLastTs?: string[];
}

function isCursorState(saved: unknown): saved is CursorState {
	const state = saved as CursorState | undefined;
	return state?.v === 2 && typeof state.query === 'string' && typeof state.newestTs === 'number';
}

/** A saved state of the older shape, taken over at the same position. */
function fromLegacy(saved: LegacyState, query: string): CursorState | undefined {
	if (typeof saved.lastTs !== 'number') return undefined;
	const seen = Object.fromEntries(
		(saved.idsAtLastTs ?? []).map((id) => [id, saved.lastTs as number]),
	);
	return { v: 2, query, newestTs: saved.lastTs, seen, floorTs: saved.lastTs };
}

/**
 * Where this poll starts. A saved position of another query (its filters or API version changed)
 * is not used: the trigger starts afresh, so it emits nothing old.
 */
export function beginPoll(saved: unknown, query: string, windowSeconds: number): PollStart {
	const state = isCursorState(saved)
		? saved
		: saved && typeof saved === 'object'
			? fromLegacy(saved as LegacyState, query)
			: undefined;
	if (!state || state.query !== query) return { kind: 'baseline' };
	const readDownTo = Math.min(state.newestTs - windowSeconds, state.pendingTs ?? Infinity);
	return { kind: 'continue', state, readDownTo, emitFrom: Math.max(readDownTo, state.floorTs) };
}

/** How far back a poll reads: for a fresh position, the window below the newest asset of its first page. */
export function readDownToOf(
	start: PollStart,
	firstPage: CursorAsset[],
	windowSeconds: number,
): number {
	if (start.kind === 'continue') return start.readDownTo;
	const newest = Math.max(...firstPage.map((asset) => asset.ts));
	return Number.isFinite(newest) ? newest - windowSeconds : -Infinity;
}

/** Whether the pages read so far reach back far enough: the last one holds an asset older than `readDownTo`. */
export function reachedBack(page: CursorAsset[], readDownTo: number): boolean {
	return page.some((asset) => asset.ts < readDownTo);
}

export interface PollEnd<T extends CursorAsset> {
	state: CursorState;
	/** The assets to emit, oldest first. */
	emit: T[];
}

/**
 * The new position and the assets to emit after a poll. `read` is every asset the poll read, in
 * HeyGen's order, already filtered to what the user asked for; `complete` is false when the poll
 * stopped before reaching back to its window (out of time).
 */
export function endPoll<T extends CursorAsset>(
	start: PollStart,
	read: T[],
	options: { query: string; windowSeconds: number; readDownTo: number; complete: boolean },
): PollEnd<T> {
	const { query, windowSeconds, readDownTo, complete } = options;
	const previous = start.kind === 'continue' ? start.state : undefined;
	const newestTs = Math.max(previous?.newestTs ?? -Infinity, ...read.map((asset) => asset.ts));
	const seen: Record<string, number> = { ...previous?.seen };
	let emit: T[] = [];
	if (start.kind === 'continue') {
		emit = read.filter((asset) => asset.ts >= start.emitFrom && !(asset.id in seen));
		emit = [...new Map(emit.map((asset) => [asset.id, asset])).values()];
		emit.sort((a, b) => a.ts - b.ts);
	}
	// A fresh position remembers what is there (to emit none of it); a poll, what it emitted.
	for (const asset of start.kind === 'baseline' ? read : emit) {
		if (asset.ts >= readDownTo) seen[asset.id] = asset.ts;
	}
	const floorTs =
		previous?.floorTs ??
		(complete ? readDownTo : Math.min(...read.map((asset) => asset.ts), newestTs));
	// A fresh position that ran out of time has its floor where it stopped: nothing below is owed.
	const pendingTs = complete || start.kind === 'baseline' ? undefined : readDownTo;
	const keepFrom = Math.max(Math.min(newestTs - windowSeconds, pendingTs ?? Infinity), floorTs);
	for (const [id, ts] of Object.entries(seen)) if (ts < keepFrom) delete seen[id];
	const state: CursorState = {
		v: 2,
		query,
		newestTs: Number.isFinite(newestTs) ? newestTs : (previous?.newestTs ?? 0),
		seen,
		floorTs: Number.isFinite(floorTs) ? floorTs : 0,
	};
	if (pendingTs !== undefined) state.pendingTs = pendingTs;
	return { state, emit };
}
