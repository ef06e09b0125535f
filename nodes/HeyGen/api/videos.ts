import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { type HeyGenContext, isCancellation, mapWithConcurrency } from '../execution';
import {
	asNodeError,
	earlierAttemptsOf,
	heyGenContractError,
	isNotFound,
	mayHaveActed,
	notFoundError,
	type Page,
	type PageWalk,
	requestLabel,
	type Walked,
	walkPages,
} from '../helpers';
import { heyGenApiRequest } from '../transport';
import { endlessPagesError, v3NextToken } from './assets';
import { type FileSource, fetchFileOf, noFileError } from './download';

/** HeyGen's videos (v3, HeyGen's published spec: its CLI's gen/video.go). */
export const VIDEOS_ENDPOINT = '/v3/videos';
export const VIDEO_STATUSES_ENDPOINT = '/v3/videos/statuses';

/** Ids one GET /v3/videos/statuses takes at most. */
export const MAX_STATUS_IDS = 100;

export const VIDEO_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** The files of a video, by the node's name for them, and the field of HeyGen's video that holds each. */
export const VIDEO_FILES = {
	video: { field: 'video_url', suffix: '', extension: 'mp4' },
	captionedVideo: { field: 'captioned_video_url', suffix: '-captioned', extension: 'mp4' },
	subtitles: { field: 'subtitle_url', suffix: '', extension: 'srt' },
	thumbnail: { field: 'thumbnail_url', suffix: '-thumbnail', extension: 'jpg' },
	gif: { field: 'gif_url', suffix: '', extension: 'gif' },
} as const;
export type VideoFile = keyof typeof VIDEO_FILES;

export interface VideoFilters {
	folderId?: string;
	/** HeyGen's `title`: only videos whose title contains this. */
	title?: string;
	/** Only videos in this status: HeyGen has no such filter, the node applies it. */
	status?: VideoStatus;
}

const videoPath = (videoId: string) => `${VIDEOS_ENDPOINT}/${encodeURIComponent(videoId)}`;

const createdAt = (video: IDataObject) => Number(video.created_at) || 0;

function unexpected(context: HeyGenContext, label: string, what: string, itemIndex?: number) {
	return heyGenContractError(
		context.getNode(),
		'HeyGen returned an unexpected response',
		`${label} answered ${what}.`,
		200,
		itemIndex,
	);
}

/** One page of GET /v3/videos. */
async function videoPage(
	this: HeyGenContext,
	qs: IDataObject,
	keptSoFar: number,
	itemIndex?: number,
): Promise<Page<IDataObject>> {
	const body = await heyGenApiRequest.call(this, { endpoint: VIDEOS_ENDPOINT, qs, itemIndex });
	const label = `GET ${VIDEOS_ENDPOINT}`;
	if (!Array.isArray(body.data))
		throw unexpected(
			this,
			label,
			`without a data list; ${keptSoFar} videos had been read`,
			itemIndex,
		);
	const end = v3NextToken(body.has_more, body.next_token);
	if ('problem' in end) {
		const what = `${end.problem}; ${keptSoFar} videos had been read. None are returned, to avoid an incomplete list`;
		throw unexpected(this, label, what, itemIndex);
	}
	const items = (body.data as IDataObject[]).filter((video) => typeof video?.id === 'string');
	return { items, next: end.next };
}

/**
 * Reads videos page by page, newest first, each once, one request a page. HeyGen's token is opaque:
 * taken as an offset (the harder case), a render that lands at the front while the walk reads pushes
 * the last videos of a page onto the next one again, where they are dropped by id.
 */
export async function walkVideos(
	this: HeyGenContext,
	filters: VideoFilters,
	walk: Pick<PageWalk<IDataObject>, 'limit' | 'keepGoing' | 'from'>,
	itemIndex?: number,
): Promise<Walked<IDataObject>> {
	const fetchPage = async (token: string | undefined, size: number, keptSoFar: number) => {
		const qs: IDataObject = { limit: size };
		if (token !== undefined) qs.token = token;
		if (filters.folderId) qs.folder_id = filters.folderId;
		if (filters.title) qs.title = filters.title;
		return await videoPage.call(this, qs, keptSoFar, itemIndex);
	};
	const { status } = filters;
	return await walkPages(
		fetchPage,
		{
			...walk,
			keep: status ? (video) => video.status === status : undefined,
			idOf: (video) => String(video.id),
			isBefore: (a, b) => createdAt(a) > createdAt(b),
		},
		endlessPagesError(this, VIDEOS_ENDPOINT, 'videos', itemIndex),
	);
}

/** An error of a request for one video: a 404 said as what it means (`why` it happens), others as they are. */
function asVideoError(context: HeyGenContext, videoId: string, why: string, itemIndex?: number) {
	return (error: unknown): never => {
		if (!isNotFound(error)) throw asNodeError(context.getNode(), error, itemIndex);
		throw notFoundError(
			context.getNode(),
			error,
			`HeyGen has no video with ID "${videoId}"`,
			`${why}, or the ID belongs to another account.`,
			itemIndex,
		);
	};
}

/** GET /v3/videos/{video_id}: the video with fresh file URLs. */
export async function getVideo(
	this: HeyGenContext,
	videoId: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const request = { endpoint: videoPath(videoId), itemIndex };
	const body = await heyGenApiRequest
		.call(this, request)
		.catch(asVideoError(this, videoId, 'The video may have been deleted', itemIndex));
	const data = body.data;
	if (data === null || typeof data !== 'object' || Array.isArray(data))
		throw unexpected(this, requestLabel(request), 'without a data object', itemIndex);
	return data as IDataObject;
}

/**
 * DELETE /v3/videos/{video_id}: permanent. A 404 after an earlier attempt that may have reached
 * HeyGen (its answer lost to a reset, a timeout or a 5xx) is that attempt's success: HeyGen answers
 * 404 for a video already deleted.
 */
export async function deleteVideo(
	this: HeyGenContext,
	videoId: string,
	itemIndex?: number,
): Promise<string> {
	const request = { method: 'DELETE' as const, endpoint: videoPath(videoId), itemIndex };
	try {
		await heyGenApiRequest.call(this, request);
	} catch (error) {
		const deletedBefore = isNotFound(error) && mayHaveActed(earlierAttemptsOf(error));
		if (!deletedBefore)
			asVideoError(this, videoId, 'It may have been deleted already', itemIndex)(error);
		this.logger.debug('A retried video delete got 404 after an attempt that may have acted', {
			videoId,
		});
	}
	return videoId;
}

/**
 * The statuses of up to any number of videos, MAX_STATUS_IDS per GET /v3/videos/statuses:
 * `queued | processing | completed | failed | not_found` by video id.
 */
export async function videoStatuses(
	this: HeyGenContext,
	videoIds: string[],
): Promise<Map<string, string>> {
	const statuses = new Map<string, string>();
	for (let start = 0; start < videoIds.length; start += MAX_STATUS_IDS) {
		const ids = videoIds.slice(start, start + MAX_STATUS_IDS);
		const request = { endpoint: VIDEO_STATUSES_ENDPOINT, qs: { video_ids: ids.join(',') } };
		const body = await heyGenApiRequest.call(this, request);
		if (!Array.isArray(body.data))
			throw unexpected(this, requestLabel(request), 'without a data list');
		for (const entry of body.data as IDataObject[]) {
			if (typeof entry?.video_id === 'string' && typeof entry.status === 'string')
				statuses.set(entry.video_id, entry.status);
		}
	}
	return statuses;
}

export interface VideoDownload {
	file: VideoFile;
	binaryPropertyName: string;
	concurrency: number;
}

/** Why a video comes out of Get Many without the file asked for (never an error there). */
export function missingFileReason(video: IDataObject, file: VideoFile): string {
	if (video.status !== 'completed')
		return `The video is ${String(video.status ?? 'not finished')}: HeyGen has its files only once it is completed`;
	return `HeyGen has no ${file === 'video' ? 'video file' : file} for this video (field ${VIDEO_FILES[file].field} is empty)`;
}

/** A title's length at most in a file name: room left for the suffix and extension. */
const MAX_TITLE_IN_FILE_NAME = 150;

function sourceOf(video: IDataObject, file: VideoFile): FileSource | undefined {
	const url = video[VIDEO_FILES[file].field];
	if (typeof url !== 'string' || url === '') return undefined;
	const { suffix, extension } = VIDEO_FILES[file];
	// Cut before the suffix and extension go on: a long title must not lose them (fileNameFor cuts at 200).
	const title =
		typeof video.title === 'string' && video.title.trim() !== ''
			? video.title.slice(0, MAX_TITLE_IN_FILE_NAME)
			: `video-${String(video.id)}`;
	return { id: String(video.id), name: `${title}${suffix}.${extension}`, url, what: 'video' };
}

/** File hosts' answers to a presigned URL that has expired (HeyGen's CLI takes both so). */
const EXPIRED_STATUSES = [403, 404];

/**
 * A video's file into the item's binary property. A presigned URL the file host refuses as expired
 * (403 or 404) is asked for afresh (GET /v3/videos/{id}) and tried once more. The API key never goes
 * to a file host. `many`: a video without that file comes out without it and says why; else an error.
 */
async function downloadVideo(
	this: IExecuteFunctions,
	video: IDataObject,
	download: VideoDownload,
	many: boolean,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<INodeExecutionData> {
	const item = (json: IDataObject): INodeExecutionData => ({
		json,
		pairedItem: { item: itemIndex },
	});
	const withoutFile = (json: IDataObject, reason: string) => {
		if (many) return item({ ...json, download_skipped: reason });
		throw fileMissingError(this, json, reason, itemIndex);
	};
	const source = sourceOf(video, download.file);
	if (!source) return withoutFile(video, missingFileReason(video, download.file));
	let fetched = await fetchFileOf.call(this, source, itemIndex, signal);
	let current = video;
	let tried = source;
	if (!fetched.binary && EXPIRED_STATUSES.includes(fetched.status)) {
		const refreshed = await freshVideo.call(this, video, itemIndex);
		if (!refreshed) return withoutFile(video, DELETED_SINCE_LISTED);
		current = refreshed;
		const fresh = sourceOf(current, download.file);
		if (!fresh) return withoutFile(current, missingFileReason(current, download.file));
		tried = fresh;
		fetched = await fetchFileOf.call(this, fresh, itemIndex, signal);
	}
	if (!fetched.binary) throw noFileError(this, tried, fetched, itemIndex);
	return { ...item(current), binary: { [download.binaryPropertyName]: fetched.binary } };
}

/** Why a video listed a moment ago comes out without its file: HeyGen no longer has it. */
export const DELETED_SINCE_LISTED =
	'HeyGen no longer has this video (deleted since it was listed): there is no file to download';

/** The video again with fresh URLs, or undefined where HeyGen no longer has it. */
async function freshVideo(
	this: IExecuteFunctions,
	video: IDataObject,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	try {
		return await getVideo.call(this, String(video.id), itemIndex);
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw asNodeError(this.getNode(), error, itemIndex);
	}
}

function fileMissingError(
	context: IExecuteFunctions,
	video: IDataObject,
	reason: string,
	itemIndex: number,
) {
	return heyGenContractError(
		context.getNode(),
		`Video ${String(video.id)} has no such file to download`,
		reason,
		200,
		itemIndex,
	);
}

/**
 * The videos as output items of one input item, each with its file when downloads are on, a few at
 * a time. With On Error → Continue a failed download is that video's error; else the first failure
 * stops the others at once.
 */
export async function withVideoFiles(
	this: IExecuteFunctions,
	videos: IDataObject[],
	download: VideoDownload | undefined,
	options: { many: boolean; itemIndex: number },
): Promise<INodeExecutionData[]> {
	const { many, itemIndex } = options;
	if (!download) return videos.map((json) => ({ json, pairedItem: { item: itemIndex } }));
	const continueOnFail = this.continueOnFail();
	const one = async (video: IDataObject, _index: number, signal: AbortSignal) => {
		try {
			const stop = continueOnFail ? undefined : signal;
			return await downloadVideo.call(this, video, download, many, itemIndex, stop);
		} catch (error) {
			if (!continueOnFail || isCancellation(error) || !many)
				throw asNodeError(this.getNode(), error, itemIndex);
			return {
				json: { ...video, error: (error as Error).message },
				pairedItem: { item: itemIndex },
			};
		}
	};
	const stopReason = () => 'another download failed';
	return await mapWithConcurrency(videos, download.concurrency, one, { stopReason });
}
