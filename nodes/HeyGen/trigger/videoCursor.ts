/**
 * Where the HeyGen Trigger's video events stand, and what a poll emits: pure functions of the saved
 * state, the front of the video list a poll read, and the statuses it asked for, so that "each
 * finished render once" can be tested without a server.
 *
 * HeyGen lists videos newest first by `created_at`, the moment a render starts. A poll reads the
 * front of the list until it meets a video it had seen that started before the newest it had seen,
 * or a little below that newest one at most; every video there that it had not seen is new: a render already finished is a candidate to emit, one still running is
 * watched. Watched renders that the front did not show again are asked for through
 * GET /v3/videos/statuses, 100 a request. A render leaves the watch list when it finishes (emitted
 * if it finished the way the event asks), or when HeyGen no longer knows it. At activation, the
 * renders still running that started up to a week before are watched; nothing finished is emitted.
 */

/** A video as the cursor needs it. */
export interface CursorVideo {
	id: string;
	/** Unix seconds the render started (HeyGen's created_at). */
	createdAt: number;
	status: string;
}

export interface VideoCursorState {
	v: 1;
	/** What the position belongs to (the account and the event): another starts afresh. */
	query: string;
	/** created_at of the newest video seen, never past the poll's clock. */
	newestTs: number;
	/** Ids of the videos seen near the front (within FRONT_WINDOW_SECONDS below newestTs). */
	front: Record<string, number>;
	/**
	 * Where the front held more than MAX_FRONT ids: the created_at of the newest one let go. Every
	 * video started at or before it was seen, kept or not (absent: none let go).
	 */
	frontFloorTs?: number;
	/** Renders not finished when last seen, by id: their created_at. */
	watching: Record<string, number>;
}

/** How far below the newest video seen a poll reads: renders started in one second, a shifted page. */
export const FRONT_WINDOW_SECONDS = 10 * 60;

/** At activation: how far back renders still running are looked for. */
export const ACTIVATION_LOOK_BACK_SECONDS = 7 * 24 * 60 * 60;

/** Renders watched at most; past it the oldest are given up (and the README says so). */
export const MAX_WATCHED = 2000;

/** Ids of the front window kept at most (a burst of renders within ten minutes): the newest. */
export const MAX_FRONT = 1000;

export const FINISHED = ['completed', 'failed'];
const isFinished = (status: string) => FINISHED.includes(status);

function isState(saved: unknown, query: string): saved is VideoCursorState {
	const state = saved as VideoCursorState | undefined;
	return state?.v === 1 && state.query === query && typeof state.newestTs === 'number';
}

/** The saved state this poll goes on from, or undefined to start afresh (nothing saved, or another query). */
export function savedState(saved: unknown, query: string): VideoCursorState | undefined {
	return isState(saved, query) ? saved : undefined;
}

/** Where reading the front stops: once a page holds a video that started before this. */
export function frontMark(state: VideoCursorState | undefined, nowTs: number): number {
	return state ? state.newestTs - FRONT_WINDOW_SECONDS : nowTs - ACTIVATION_LOOK_BACK_SECONDS;
}

/** Whether a page reaches back to the mark. */
export function reachedMark(page: CursorVideo[], mark: number): boolean {
	return page.some((video) => video.createdAt < mark);
}

/**
 * Whether the front read so far goes far enough: its last page reaches the mark, or holds a render
 * the last poll saw that started before the newest one it saw. New renders land at the front, and
 * every poll read down to a render it had seen, so all below it was read before. A quiet poll reads
 * one page however many renders the window holds.
 */
export function readFarEnough(
	page: CursorVideo[],
	state: VideoCursorState | undefined,
	mark: number,
): boolean {
	if (reachedMark(page, mark)) return true;
	if (state === undefined) return false;
	const newestSeen = Math.max(...Object.values(state.front));
	return page.some((video) => video.id in state.front && video.createdAt < newestSeen);
}

export interface FrontRead<T extends CursorVideo> {
	state: VideoCursorState;
	/** Renders that finished since the last poll, seen at the front (new ones, and watched ones). */
	finished: T[];
	/** Watched renders the front did not show: their statuses are to be asked for. */
	toAsk: string[];
}

/** Keeps the newest `max` entries of a record by value. */
function newest(record: Record<string, number>, max: number): Record<string, number> {
	const entries = Object.entries(record);
	if (entries.length <= max) return record;
	return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, max));
}

/**
 * The front's ids, the newest MAX_FRONT, and the floor below which every video counts as seen: the
 * newest of those let go (or the last floor, while it is still in the window). Without the floor, a
 * render let go would look new to a poll that reads down to it again — after the renders above it
 * were deleted, as a "back up, then delete" workflow does.
 */
function boundedFront(
	front: Record<string, number>,
	previousFloor: number | undefined,
	newestTs: number,
): { front: Record<string, number>; frontFloorTs?: number } {
	const kept = newest(front, MAX_FRONT);
	const letGo = Object.entries(front)
		.filter(([id]) => !(id in kept))
		.map(([, ts]) => ts);
	if (previousFloor !== undefined) letGo.push(previousFloor);
	const inWindow = letGo.filter((ts) => ts >= newestTs - FRONT_WINDOW_SECONDS);
	if (inWindow.length === 0) return { front: kept };
	return { front: kept, frontFloorTs: Math.max(...inWindow) };
}

/**
 * The state after reading the front of the list (`read`, newest first, each once), and what it
 * found: renders finished since (to emit, by event), and the watched ones left to ask about.
 */
export function afterFront<T extends CursorVideo>(
	previous: VideoCursorState | undefined,
	read: T[],
	options: { query: string; nowTs: number },
): FrontRead<T> {
	const { query, nowTs } = options;
	const mark = frontMark(previous, nowTs);
	const watching: Record<string, number> = { ...previous?.watching };
	const known = new Set(Object.keys(previous?.front ?? {}));
	const finished: T[] = [];
	const floor = previous?.frontFloorTs ?? -Infinity;
	for (const video of read) {
		if ((video.createdAt < mark || video.createdAt <= floor) && !(video.id in watching)) continue;
		const isNew = previous !== undefined && !known.has(video.id) && !(video.id in watching);
		const wasWatched = video.id in watching;
		if (isFinished(video.status)) {
			if (isNew || wasWatched) finished.push(video);
			delete watching[video.id];
		} else {
			watching[video.id] = video.createdAt;
		}
	}
	const seenNewest = Math.max(previous?.newestTs ?? -Infinity, ...read.map((v) => v.createdAt));
	const newestTs = Math.min(Number.isFinite(seenNewest) ? seenNewest : nowTs, nowTs);
	const front: Record<string, number> = {};
	for (const [id, ts] of Object.entries(previous?.front ?? {}))
		if (ts >= newestTs - FRONT_WINDOW_SECONDS) front[id] = ts;
	for (const video of read)
		if (video.createdAt >= newestTs - FRONT_WINDOW_SECONDS) front[video.id] = video.createdAt;
	const seenAtFront = new Set(read.map((video) => video.id));
	const toAsk = Object.keys(watching).filter((id) => !seenAtFront.has(id));
	return {
		state: {
			v: 1,
			query,
			newestTs,
			...boundedFront(front, previous?.frontFloorTs, newestTs),
			watching: newest(watching, MAX_WATCHED),
		},
		finished,
		toAsk,
	};
}

/**
 * The state after HeyGen's statuses of the watched renders the front did not show: those finished
 * leave the watch list (returned with their status, to fetch and emit by event), and so do those
 * HeyGen no longer knows.
 */
export function afterStatuses(
	state: VideoCursorState,
	statuses: ReadonlyMap<string, string>,
): { state: VideoCursorState; finished: Array<{ id: string; status: string; createdAt: number }> } {
	const watching = { ...state.watching };
	const finished: Array<{ id: string; status: string; createdAt: number }> = [];
	for (const [id, status] of statuses) {
		if (!(id in watching)) continue;
		if (isFinished(status)) finished.push({ id, status, createdAt: watching[id] });
		if (isFinished(status) || status === 'not_found') delete watching[id];
	}
	return { state: { ...state, watching }, finished };
}

/** The state with these renders watched again (finished, but not fetched in this poll's time). */
export function watchAgain(
	state: VideoCursorState,
	renders: Array<{ id: string; createdAt: number }>,
): VideoCursorState {
	const watching = { ...state.watching };
	for (const { id, createdAt } of renders) watching[id] = createdAt;
	return { ...state, watching };
}
