/**
 * Where the HeyGen Trigger is, and what a poll emits: pure functions of the saved state, the pages a
 * poll read and the poll's clock, so that "each asset once" can be tested without a server.
 *
 * HeyGen lists newest first. A poll reads pages from the front until it reaches back past the start
 * of the look-back window (the newest upload seen, less the window). Every asset in the window that
 * was not emitted before is emitted, oldest first; the ids of the window's assets are remembered,
 * nothing older, and nothing older than what was forgotten is ever emitted (the floor). So an asset
 * that appears late with an older upload time (a video that finished processing after a newer
 * upload) still comes through once, if it is inside the window; and a window made wider later
 * cannot bring back what was forgotten.
 */

/** The look-back window when the user sets none. */
export const DEFAULT_LOOK_BACK_MINUTES = 60;

export interface CursorAsset {
	id: string;
	/** Upload time, Unix seconds. */
	ts: number;
}

/** Where a poll that ran out of n8n's time stopped: the next poll goes on from there. */
export interface Backlog {
	/** The page token of the first page not read. */
	token: string;
	/** How far back the interrupted poll had to read. */
	readDownTo: number;
	/** The list the token is from ('v1' or 'v3'); absent: the query's own API version. */
	api?: string;
}

/** The trigger's saved position (in n8n's static data for the node). */
export interface CursorState {
	v: 3;
	/** What the position belongs to (account, API version, owner, file type, folder): see positionQuery. */
	query: string;
	/** The newest upload time seen, never past the poll's clock (HeyGen's own, from its Date header). */
	newestTs: number;
	/** Ids already emitted or present at the start, by upload time: only those inside the window. */
	seen: Record<string, number>;
	/** Nothing uploaded before this is ever emitted: it was there before the trigger started, or forgotten. */
	floorTs: number;
	backlog?: Backlog;
}

/** What a poll starts from: a fresh position (nothing to emit), or the saved one. */
export type PollStart =
	| { kind: 'baseline' }
	| {
			kind: 'continue';
			state: CursorState;
			/** The poll reads back to (and emits from) this upload time. */
			readDownTo: number;
			/** Where to start reading: a backlog's token, or the front (undefined). */
			from?: string;
			/** The list `from` is from (see Backlog.api). */
			fromApi?: string;
	  };

/** What decides which assets are new: another account, API version, owner or filter starts afresh. */
export interface PositionQuery {
	/** A fingerprint of the credential's Base URL and API key (never the key itself). */
	account: string;
	apiVersion: string;
	/** v3: the username whose assets are listed, as resolved; v1: ''. */
	owner: string;
	fileType?: string;
	folderId?: string;
}

export function positionQuery(query: PositionQuery): string {
	const { account, apiVersion, owner, fileType, folderId } = query;
	return JSON.stringify([account, apiVersion, owner, fileType ?? '', folderId ?? '']);
}

function isCursorState(saved: unknown): saved is CursorState {
	const state = saved as CursorState | undefined;
	return state?.v === 3 && typeof state.query === 'string' && typeof state.newestTs === 'number';
}

/**
 * Where this poll starts. A saved position of another query is not used: the trigger starts afresh,
 * so it emits nothing old. A backlog is read on from its token, down to its own mark.
 */
export function beginPoll(saved: unknown, query: string, windowSeconds: number): PollStart {
	if (!isCursorState(saved) || saved.query !== query) return { kind: 'baseline' };
	const { backlog } = saved;
	const mark = backlog ? backlog.readDownTo : saved.newestTs - windowSeconds;
	return {
		kind: 'continue',
		state: saved,
		readDownTo: Math.max(mark, saved.floorTs),
		from: backlog?.token,
		...(backlog?.api ? { fromApi: backlog.api } : {}),
	};
}

/** The same start, reading from the front of the list (a backlog's token that HeyGen refused). */
export function fromTheFront(start: PollStart): PollStart {
	return start.kind === 'continue' ? { ...start, from: undefined } : start;
}

/**
 * The newest of some upload times that the poll's clock allows: one asset dated in the future must
 * not move the position past uploads still to come. The clock is HeyGen's own (the Date header of
 * its answers), so HeyGen's upload times need no tolerance against it.
 */
function clampToClock(newest: number, nowTs: number): number {
	return Math.min(newest, nowTs);
}

/** How far back a poll reads: for a fresh position, the window below the newest asset of its first page. */
export function readDownToOf(
	start: PollStart,
	firstPage: CursorAsset[],
	windowSeconds: number,
	nowTs: number,
): number {
	if (start.kind === 'continue') return start.readDownTo;
	const newest = clampToClock(Math.max(...firstPage.map((asset) => asset.ts)), nowTs);
	return Number.isFinite(newest) ? newest - windowSeconds : -Infinity;
}

/** Whether the pages read so far reach back far enough: the last one holds an asset older than `readDownTo`. */
export function reachedBack(page: CursorAsset[], readDownTo: number): boolean {
	return page.some((asset) => asset.ts < readDownTo);
}

export interface PollRead<T extends CursorAsset> {
	/** Every asset the poll read that the user asked for, in HeyGen's order. */
	assets: T[];
	/** The newest upload time among every asset read, whatever the filter (-Infinity for none). */
	newestTs: number;
	/** The token of the next page where the poll ran out of time before its mark; else undefined. */
	stoppedAt?: string;
	/** The list that token is from, where it is not the query's own (v1 retired: read through v3). */
	stoppedOn?: string;
}

export interface PollEnd<T extends CursorAsset> {
	state: CursorState;
	/** The assets to emit, oldest first. */
	emit: T[];
}

/** What a continuing poll emits: assets from its mark on that were not seen, each once, oldest first. */
function newAssets<T extends CursorAsset>(
	start: PollStart,
	read: T[],
	seen: Record<string, number>,
): T[] {
	if (start.kind !== 'continue') return [];
	const fresh = read.filter((asset) => asset.ts >= start.readDownTo && !(asset.id in seen));
	const once = [...new Map(fresh.map((asset) => [asset.id, asset])).values()];
	return once.sort((a, b) => a.ts - b.ts);
}

/** The new position and the assets to emit after a poll. */
export function endPoll<T extends CursorAsset>(
	start: PollStart,
	read: PollRead<T>,
	options: { query: string; windowSeconds: number; readDownTo: number; nowTs: number },
): PollEnd<T> {
	const { query, windowSeconds, readDownTo, nowTs } = options;
	const previous = start.kind === 'continue' ? start.state : undefined;
	const newestTs = Math.max(previous?.newestTs ?? -Infinity, clampToClock(read.newestTs, nowTs));
	const seen: Record<string, number> = { ...previous?.seen };
	const emit = newAssets(start, read.assets, seen);
	// A fresh position remembers what is there (to emit none of it); a poll, what it emitted.
	for (const asset of previous ? emit : read.assets) {
		if (asset.ts >= readDownTo) seen[asset.id] = asset.ts;
	}
	// A fresh position keeps no backlog: it owes nothing. The trigger lets it read its whole window;
	// were it cut short, nothing at or below the oldest second it read could be told from new.
	const backlog: Backlog | undefined =
		previous && read.stoppedAt !== undefined ? { token: read.stoppedAt, readDownTo } : undefined;
	if (backlog && read.stoppedOn) backlog.api = read.stoppedOn;
	const oldestRead = Math.min(...read.assets.map((asset) => asset.ts));
	const floorTs = previous?.floorTs ?? (read.stoppedAt === undefined ? readDownTo : oldestRead + 1);
	const keepFrom = Math.max(
		Math.min(newestTs - windowSeconds, backlog?.readDownTo ?? Infinity),
		floorTs,
	);
	for (const [id, ts] of Object.entries(seen)) if (ts < keepFrom) delete seen[id];
	const state: CursorState = {
		v: 3,
		query,
		newestTs: Number.isFinite(newestTs) ? newestTs : 0,
		seen,
		// What was forgotten is never emitted again, whatever the window becomes.
		floorTs: Number.isFinite(keepFrom) ? keepFrom : 0,
	};
	if (backlog) state.backlog = backlog;
	return { state, emit };
}
