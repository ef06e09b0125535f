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
import { serverNowSeconds } from '../transport';
import { UnsavedPositions } from './unsaved';
import {
	afterFront,
	afterStatuses,
	type CursorVideo,
	frontMark,
	reachedMark,
	savedState,
	type VideoCursorState,
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
): Promise<Array<CursorVideo & { video: IDataObject }>> {
	const mark = frontMark(state, nowTs);
	const walked = await walkVideos.call(
		context,
		{},
		{
			keepGoing: (_kept, page) => !reachedMark(page.map(asCursorVideo), mark),
		},
	);
	return walked.items.map(asCursorVideo);
}

/** A test run shows the shape: the newest video that finished the event's way, if one is on the first page. */
async function newestOf(context: IPollFunctions, event: VideoEvent) {
	const status = EVENT_STATUS[event] as 'completed' | 'failed';
	const walked = await walkVideos.call(context, { status }, { limit: 1, keepGoing: () => false });
	const [newest] = walked.items;
	return newest ? [[{ json: newest }]] : null;
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
	const unsaved = unsavedStates.take(key);
	const previous =
		savedState(staticData.videoCursor, query) ??
		(staticData.videoCursor === undefined ? unsaved : undefined);
	const read = await readFront(this, previous, serverNowSeconds(this));
	const front = afterFront(previous, read, { query, nowTs: serverNowSeconds(this) });
	let state = front.state;
	let finishedIds: string[] = [];
	if (front.toAsk.length > 0) {
		const asked = afterStatuses(state, await videoStatuses.call(this, front.toAsk));
		state = asked.state;
		finishedIds = asked.finished;
	}
	const fetched = await mapWithConcurrency(finishedIds, FETCHES_AT_ONCE, async (id) =>
		asCursorVideo(await getVideo.call(this, id)),
	);
	for (const name of Object.keys(staticData)) delete staticData[name];
	staticData.videoCursor = state as unknown as IDataObject;
	if (!previous) unsavedStates.keep(key, state);
	const wanted = EVENT_STATUS[event];
	const emit = [...front.finished, ...fetched]
		.filter((video) => video.status === wanted)
		.sort((a, b) => a.createdAt - b.createdAt);
	if (emit.length === 0) return null;
	return [emit.map(({ video }) => ({ json: video }))];
}
