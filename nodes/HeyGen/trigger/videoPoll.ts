/**
 * One poll of the HeyGen Trigger's video events (Video Completed, Video Failed): read the front of
 * the video list down to the saved mark, ask for the statuses of the renders still watched, emit
 * each render that finished the way the event asks, once, and save the new state (videoCursor.ts).
 *
 * A quiet poll costs one request (the front page); each page of renders started since costs one
 * more, each 100 watched renders the front did not show one GET /v3/videos/statuses, and each of
 * those that finished one GET /v3/videos/{id} for its fresh object.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { getVideo, videoStatuses, walkVideos } from '../api';
import { accountFingerprint, mapWithConcurrency } from '../execution';
import { asNodeError, isNotFound } from '../helpers';
import { serverNowSeconds } from '../transport';
import { pollDeadline } from './poll';
import { UnsavedPositions } from './unsaved';
import {
	afterFront,
	afterStatuses,
	type CursorVideo,
	frontMark,
	readFarEnough,
	savedState,
	type VideoCursorState,
	watchAgain,
} from './videoCursor';

export type VideoEvent = 'videoCompleted' | 'videoFailed';

/** The status each event emits. */
export const EVENT_STATUS: Record<VideoEvent, string> = {
	videoCompleted: 'completed',
	videoFailed: 'failed',
};

/** Finished renders fetched at once for their fresh objects. */
const FETCHES_AT_ONCE = 4;

const unsavedStates = new UnsavedPositions<VideoCursorState>();

const asCursorVideo = (video: IDataObject) => ({
	id: String(video.id),
	createdAt: Number(video.created_at) || 0,
	status: String(video.status ?? ''),
	video,
});

/** The front of the list down to the mark: every video read, newest first, each once. */
async function readFront(
	context: IPollFunctions,
	state: VideoCursorState | undefined,
	nowTs: number,
): Promise<{ read: PolledVideo[]; next?: string }> {
	const mark = frontMark(state, nowTs);
	const walked = await walkVideos.call(
		context,
		{},
		{
			keepGoing: (_kept, page) => !readFarEnough(page.map(asCursorVideo), state, mark),
		},
	);
	return { read: walked.items.map(asCursorVideo), next: walked.next };
}

type PolledVideo = CursorVideo & { video: IDataObject };

/**
 * Finished renders below the front, from the list itself (100 a request) rather than one GET each:
 * pages on from where the front read stopped until every one is found, the list reaches below the
 * oldest of them, or the poll's time is up (one page at least). Returns those found.
 */
async function collectFromList(
	context: IPollFunctions,
	renders: Array<{ id: string; createdAt: number }>,
	from: string | undefined,
	stopAt: number,
): Promise<PolledVideo[]> {
	if (renders.length === 0 || from === undefined) return [];
	const wanted = new Set(renders.map((render) => render.id));
	const oldest = Math.min(...renders.map((render) => render.createdAt));
	const found: PolledVideo[] = [];
	await walkVideos.call(
		context,
		{},
		{
			from,
			keepGoing: (_kept, page) => {
				for (const video of page.map(asCursorVideo)) if (wanted.delete(video.id)) found.push(video);
				const below = page.some((video) => (Number(video.created_at) || 0) < oldest);
				return wanted.size > 0 && !below && Date.now() < stopAt;
			},
		},
	);
	return found;
}

/** A test run shows the shape: the newest video that finished the event's way, if one is on the first page. */
async function newestOf(context: IPollFunctions, event: VideoEvent) {
	const status = EVENT_STATUS[event] as 'completed' | 'failed';
	const walked = await walkVideos.call(context, { status }, { limit: 1, keepGoing: () => false });
	const [newest] = walked.items;
	return newest ? [[{ json: newest }]] : null;
}

/**
 * The fresh objects of finished renders, a few at a time, until `stopAt` (half of n8n's time for the
 * poll, leaving the rest for n8n to save the state; one batch at least); what is left for the next poll.
 */
async function fetchWhileTime(
	context: IPollFunctions,
	renders: Array<{ id: string; createdAt: number }>,
	stopAt: number,
) {
	const fetched: PolledVideo[] = [];
	let next = 0;
	while (next < renders.length && (next === 0 || Date.now() < stopAt)) {
		const chunk = renders.slice(next, next + FETCHES_AT_ONCE);
		next += chunk.length;
		fetched.push(
			...(
				await mapWithConcurrency(chunk, FETCHES_AT_ONCE, async ({ id }) => {
					// Deleted since it finished: nothing to emit.
					const video = await getVideo.call(context, id).catch((error: unknown) => {
						if (isNotFound(error)) return undefined;
						throw asNodeError(context.getNode(), error);
					});
					return video && asCursorVideo(video);
				})
			).filter((video) => video !== undefined),
		);
	}
	return { fetched, left: renders.slice(next) };
}

/**
 * One poll of a video event: the renders that finished since the last poll the way the event asks,
 * oldest start first, each once.
 */
export async function pollVideoEvent(
	this: IPollFunctions,
	event: VideoEvent,
): Promise<INodeExecutionData[][] | null> {
	if (this.getMode() === 'manual') return await newestOf(this, event);
	const staticData = this.getWorkflowStaticData('node');
	const query = JSON.stringify([await accountFingerprint(this), event]);
	const key = JSON.stringify([this.getWorkflow().id, this.getNode().id, query]);
	// The activation's state only where n8n kept nothing at all: a state of another event or query
	// (the user switched and back) must not bring back a position from before.
	const fromUnsaved = Object.keys(staticData).length === 0 ? unsavedStates.peek(key) : undefined;
	const previous = savedState(staticData.videoCursor, query) ?? fromUnsaved;
	const deadline = pollDeadline(this);
	const { read, next } = await readFront(this, previous, serverNowSeconds(this));
	const front = afterFront(previous, read, { query, nowTs: serverNowSeconds(this) });
	let state = front.state;
	const wanted = EVENT_STATUS[event];
	let toFetch: Array<{ id: string; createdAt: number }> = [];
	if (front.toAsk.length > 0) {
		const asked = afterStatuses(state, await videoStatuses.call(this, front.toAsk));
		state = asked.state;
		toFetch = asked.finished.filter((render) => render.status === wanted);
	}
	const stopAt = Date.now() + (deadline - Date.now()) / 2;
	// Where many finished at once, the list gives them 100 a request; the rest one GET each.
	const listed =
		toFetch.length > FETCHES_AT_ONCE ? await collectFromList(this, toFetch, next, stopAt) : [];
	const inList = new Set(listed.map((video) => video.id));
	const fromGets = await fetchWhileTime(
		this,
		toFetch.filter((render) => !inList.has(render.id)),
		stopAt,
	);
	const fetched = [...listed.filter((video) => video.status === wanted), ...fromGets.fetched];
	const { left } = fromGets;
	// Renders not fetched in this poll's time are watched again: the next poll emits them.
	state = watchAgain(state, left);
	for (const name of Object.keys(staticData)) delete staticData[name];
	staticData.videoCursor = state as unknown as IDataObject;
	// An activation's state is kept in memory until a scheduled poll that started from it succeeds.
	if (!previous) unsavedStates.keep(key, state);
	else if (previous === fromUnsaved) unsavedStates.forget(key);
	const emit = [...front.finished, ...fetched]
		.filter((video) => video.status === wanted)
		.sort((a, b) => a.createdAt - b.createdAt);
	if (emit.length === 0) return null;
	return [emit.map(({ video }) => ({ json: video }))];
}
