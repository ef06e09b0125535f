// @ts-check
/**
 * HeyGen's videos in the stand-in (api-notes, "Videos"): `GET /v3/videos`, `GET` and `DELETE
 * /v3/videos/{id}`, `GET /v3/videos/statuses`, and the videos' files on the file host behind
 * presigned URLs that expire and take no API key. Renders in progress finish over time or over
 * reads, as the behaviours say. The server (heygen-stand-in.js) routes to it and hands it what it
 * shares: its clock, its file origin, its page-size and token rules, its error shapes.
 */
'use strict';

const crypto = require('node:crypto');

/** HeyGen's default page size for GET /v3/videos (its spec). */
const VIDEO_PAGE_SIZE = 10;
/** The most ids one GET /v3/videos/statuses takes. */
const MAX_STATUS_IDS = 100;
/** How long an issued file URL lives by default: 7 days, as HeyGen's v1 docs say. */
const VIDEO_URL_TTL_MS = 7 * 86_400_000;
/** The size of a video's mp4 (and captioned mp4, GIF, thumbnail) by default. */
const VIDEO_FILE_BYTES = 150_000;

/** The files of a video: the path segment on the file host, the field that holds its URL, its type. */
const VIDEO_FILES = /** @type {const} */ ({
	video: { field: 'video_url', contentType: 'video/mp4' },
	captioned: { field: 'captioned_video_url', contentType: 'video/mp4' },
	subtitles: { field: 'subtitle_url', contentType: 'application/x-subrip' },
	thumbnail: { field: 'thumbnail_url', contentType: 'image/jpeg' },
	gif: { field: 'gif_url', contentType: 'image/gif' },
});
/** @typedef {keyof typeof VIDEO_FILES} VideoFileKind */
/** @typedef {'pending' | 'processing' | 'completed' | 'failed'} VideoStatus */

/**
 * @typedef {object} StoredVideo a video as the stand-in keeps it (no URLs: each answer signs its own)
 * @property {string} id
 * @property {string | null} title
 * @property {VideoStatus} status
 * @property {number} created_at
 * @property {number | null} completed_at
 * @property {string | null} folder_id
 * @property {string} [output_language] translated videos only
 * @property {boolean} captions whether a finished render has a captioned video and subtitles
 * @property {{ code: string, message: string } | null} failure
 * @property {'completed' | 'failed'} outcome how a render in progress ends
 * @property {number} [renderStartedMs] on the server's clock, for a render in progress
 * @property {number} [reads] the get and status reads of a render in progress
 */
/**
 * @typedef {object} VideoBehaviour
 * @property {number} videoUrlTtlMs how long each file URL an answer issues lives (default 7 days)
 * @property {number | undefined} renderAfterMs a render in progress finishes this long after it started
 *   (pending for the first half, processing for the second); undefined: only finishVideo ends it
 * @property {number | undefined} renderAfterReads or after this many reads of it (GET /v3/videos/{id}
 *   and statuses; a list does not count): that many reads see it in progress, the next one finished
 * @property {{ addEvery: number } | undefined} busyVideos after every `addEvery` answered
 *   GET /v3/videos pages a new render (pending) lands at the front of the library
 */
/**
 * @typedef {object} VideoFields what addVideo takes; all optional
 * @property {string} [id]
 * @property {string | null} [title]
 * @property {VideoStatus} [status] default pending; completed or failed: finished at once
 * @property {string | null} [folder_id]
 * @property {number} [created_at] default: newest first, now on the server's clock
 * @property {string} [output_language]
 * @property {boolean} [captions] default true
 * @property {'completed' | 'failed'} [outcome] how the render ends (default completed)
 */

/** @type {VideoBehaviour} */
const VIDEO_BEHAVIOUR = {
	videoUrlTtlMs: VIDEO_URL_TTL_MS,
	renderAfterMs: undefined,
	renderAfterReads: undefined,
	busyVideos: undefined,
};

const TITLES = [
	'Product demo',
	'Quarterly update',
	'Onboarding welcome',
	'Sales outreach',
	'Webinar teaser',
	'Customer story',
	'Feature launch',
	'Training module',
];
const LANGUAGES = ['es', 'fr', 'de', 'ja', 'pt-BR'];
const FAILURES = [
	{ code: 'avatar_not_found', message: 'The avatar of this video no longer exists' },
	{ code: 'voice_not_found', message: 'The voice of this video no longer exists' },
	{ code: 'render_timeout', message: 'Rendering took too long and was stopped' },
	{ code: 'insufficient_credit', message: 'The account ran out of credit during rendering' },
];

/** A number from an id, the same every time. @param {string} id @param {number} modulo */
const fromId = (id, modulo) => parseInt(id.slice(0, 8), 16) % modulo;

/** A finished video's duration in seconds (two decimals), from its id. @param {string} id */
const durationOf = (id) => 5 + fromId(id, 29_500) / 100;

/** Finishes a render as `outcome`, at `atSeconds` (Unix). @param {StoredVideo} video @param {'completed' | 'failed'} outcome @param {number} atSeconds */
function finish(video, outcome, atSeconds) {
	video.status = outcome;
	video.completed_at = Math.max(video.created_at + 1, atSeconds);
	video.failure = outcome === 'failed' ? FAILURES[fromId(video.id, FAILURES.length)] : null;
	delete video.renderStartedMs;
	delete video.reads;
}

/**
 * A seeded library of videos, newest first: mostly completed, some failed, the newest few still
 * rendering; some in the account's folders, some translated, some without captions.
 * @param {() => number} random @param {() => string} newId
 * @param {{ count: number, folderIds: string[], newestTs: number, maxGap: number }} options
 * @returns {StoredVideo[]}
 */
function seedVideos(random, newId, { count, folderIds, newestTs, maxGap }) {
	const rendering =
		count >= 10 ? ['processing', 'pending', 'processing'] : count >= 3 ? ['pending'] : [];
	/** @type {StoredVideo[]} */
	const videos = [];
	let ts = newestTs;
	for (let index = 0; index < count; index++) {
		ts -= 1 + Math.floor(random() * maxGap);
		const id = newId();
		const translated = random() < 0.12;
		const stem = TITLES[Math.floor(random() * TITLES.length)];
		const language = LANGUAGES[Math.floor(random() * LANGUAGES.length)];
		const inFolder = folderIds.length > 0 && random() < 0.4;
		const folderId = folderIds[Math.floor(random() * folderIds.length)];
		const failed = random() < 0.08;
		/** @type {StoredVideo} */
		const video = {
			id,
			title: random() < 0.03 ? null : `${stem} ${index + 1}${translated ? ` (${language})` : ''}`,
			status: 'pending',
			created_at: ts,
			completed_at: null,
			folder_id: inFolder ? folderId : null,
			...(translated ? { output_language: language } : {}),
			captions: random() < 0.75,
			failure: null,
			outcome: index === 2 ? 'failed' : 'completed',
		};
		const inProgress = /** @type {VideoStatus | undefined} */ (rendering[index]);
		if (inProgress) video.status = inProgress;
		else finish(video, failed ? 'failed' : 'completed', ts + 30 + Math.floor(random() * 900));
		videos.push(video);
	}
	return videos;
}

/** HeyGen's order: newest first, then by id. @param {StoredVideo} a @param {StoredVideo} b */
const newestFirst = (a, b) =>
	b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * An SRT file for a video: a cue every 5 seconds of it (at most 150).
 * @param {StoredVideo} video
 */
function subtitlesOf(video) {
	const time = (/** @type {number} */ s) =>
		`${new Date(s * 1000).toISOString().slice(11, 19)},${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
	const duration = durationOf(video.id);
	const cues = [];
	for (let i = 0; i * 5 < duration && i < 150; i++) {
		const end = Math.min(duration, i * 5 + 5);
		cues.push(
			`${i + 1}\n${time(i * 5)} --> ${time(end)}\n${video.title ?? 'Untitled'}, line ${i + 1}\n`,
		);
	}
	return Buffer.from(cues.join('\n'));
}

/**
 * The video service of one stand-in.
 * @param {object} server what the stand-in shares
 * @param {VideoBehaviour} server.behaviour the live behaviour (set() and reset() change it)
 * @param {number} [server.fileBytes] the size of each video file (videoFileBytes)
 * @param {() => number} server.clockNow now on the server's clock, ms
 * @param {() => string} server.fileOrigin the file host's origin
 * @param {(query: Record<string, string>, name: string, fallback: number, version: 'v3') => number} server.pageSize
 * @param {(value: unknown) => string} server.encodeToken
 * @param {(token: string) => { q: string, o?: number } | undefined} server.decodeToken
 * @param {(code: string, message: string, param?: string | null) => unknown} server.v3Error
 * @param {new (status: number, body: unknown) => Error & { status: number, body: unknown }} server.HttpError
 * @param {(res: import('node:http').ServerResponse, contentType: string, chunk: Buffer, size: number, stall?: number) => void} server.streamBytes
 * @param {(res: import('node:http').ServerResponse, status: number, code: string, message: string) => void} server.storageError
 */
function createVideoService(server) {
	const { behaviour, clockNow, v3Error } = server;
	const fileBytes = server.fileBytes ?? VIDEO_FILE_BYTES;
	/** Signs the file URLs: a secret of this server. */
	const secret = crypto.randomBytes(16);
	/** @type {StoredVideo[]} the library as seeded (reset() goes back to it) */
	let seeded = [];
	/** @type {StoredVideo[]} */
	let videos = [];
	/** What busy mode did: ids of the renders that landed while clients paged. */
	const videoChanges = { added: /** @type {string[]} */ ([]) };
	/** @type {string[]} ids deleted by DELETE /v3/videos/{id} */
	const deletedVideos = [];
	/** @type {Array<{ path: string, reason: 'apiKey' | 'signature' | 'expired' }>} file requests refused with 403 */
	const videoFileRefusals = [];
	let listPages = 0;

	const copy = (/** @type {StoredVideo[]} */ list) => list.map((video) => ({ ...video }));
	/** Restarts the clocks of the renders in progress. */
	const startRenders = () => {
		for (const video of videos) {
			if (video.status !== 'pending' && video.status !== 'processing') continue;
			video.renderStartedMs = clockNow();
			video.reads = 0;
		}
	};

	/** Moves a render in progress on, as the behaviours say. @param {StoredVideo} video */
	function advance(video) {
		if (video.status !== 'pending' && video.status !== 'processing') return;
		const { renderAfterMs, renderAfterReads } = behaviour;
		const elapsed = clockNow() - (video.renderStartedMs ?? clockNow());
		const reads = video.reads ?? 0;
		if (renderAfterMs !== undefined && elapsed >= renderAfterMs) {
			const at = (video.renderStartedMs ?? clockNow()) + renderAfterMs;
			return finish(video, video.outcome, Math.floor(at / 1000));
		}
		if (renderAfterReads !== undefined && reads >= renderAfterReads)
			return finish(video, video.outcome, Math.floor(clockNow() / 1000));
		const halfway =
			(renderAfterMs !== undefined && elapsed >= renderAfterMs / 2) ||
			(renderAfterReads !== undefined && reads >= Math.ceil(renderAfterReads / 2));
		if (halfway) video.status = 'processing';
		return undefined;
	}

	/** The library now, every render moved on. */
	const current = () => {
		videos.forEach(advance);
		return videos;
	};

	/** A read of one video (get, statuses): counts toward renderAfterReads. @param {StoredVideo} video */
	const read = (video) => {
		advance(video);
		if (video.reads !== undefined) video.reads += 1;
	};

	/** The signature of a file URL. @param {string} id @param {string} kind @param {string} expires */
	const sign = (id, kind, expires) =>
		crypto.createHmac('sha256', secret).update(`${id}/${kind}/${expires}`).digest('hex');

	/** Whether a finished video has this file. @param {StoredVideo} video @param {VideoFileKind} kind */
	const hasFile = (video, kind) =>
		video.status === 'completed' &&
		(video.captions || (kind !== 'captioned' && kind !== 'subtitles'));

	/**
	 * A video as HeyGen's API shows it, with file URLs signed now that live videoUrlTtlMs.
	 * @param {StoredVideo} video
	 */
	function present(video) {
		// Unix seconds; milliseconds count (a decimal), so that a short TTL is exact.
		const expires = String((clockNow() + behaviour.videoUrlTtlMs) / 1000);
		/** @param {VideoFileKind} kind */
		const url = (kind) =>
			hasFile(video, kind)
				? `${server.fileOrigin()}/video-files/${video.id}/${kind}?expires=${expires}&signature=${sign(video.id, kind, expires)}`
				: null;
		return {
			id: video.id,
			status: video.status,
			title: video.title,
			created_at: video.created_at,
			completed_at: video.completed_at,
			duration: video.status === 'completed' ? durationOf(video.id) : null,
			video_url: url('video'),
			captioned_video_url: url('captioned'),
			subtitle_url: url('subtitles'),
			thumbnail_url: url('thumbnail'),
			gif_url: url('gif'),
			folder_id: video.folder_id,
			...(video.output_language === undefined ? {} : { output_language: video.output_language }),
			failure_code: video.failure?.code ?? null,
			failure_message: video.failure?.message ?? null,
			video_page_url: `https://app.heygen.com/videos/${video.id}`,
		};
	}

	/** @param {string} id */
	function find(id) {
		const video = current().find((candidate) => candidate.id === id);
		if (!video)
			throw new server.HttpError(404, v3Error('not_found', `Video ${id} not found`, 'video_id'));
		return video;
	}

	/**
	 * GET /v3/videos: newest first; `folder_id` (absent: every folder, empty: the root only),
	 * `title` (a case-insensitive substring); the token is an offset into the query's results.
	 * @param {Record<string, string>} query
	 */
	function list(query) {
		const limit = server.pageSize(query, 'limit', VIDEO_PAGE_SIZE, 'v3');
		const folder = query.folder_id;
		const title = (query.title ?? '').toLowerCase();
		const fingerprint = `videos|${folder ?? '*'}|${title}`;
		let offset = 0;
		if (query.token) {
			const token = server.decodeToken(query.token);
			if (!token || token.q !== fingerprint || token.o === undefined)
				throw new server.HttpError(
					400,
					v3Error('invalid_parameter', 'invalid pagination token', 'token'),
				);
			offset = token.o;
		}
		const matching = current().filter(
			(video) =>
				(folder === undefined || (video.folder_id ?? '') === folder) &&
				(title === '' || (video.title ?? '').toLowerCase().includes(title)),
		);
		const hasMore = offset + limit < matching.length;
		return {
			data: matching.slice(offset, offset + limit).map(present),
			has_more: hasMore,
			next_token: hasMore ? server.encodeToken({ o: offset + limit, q: fingerprint }) : null,
		};
	}

	/** GET /v3/videos/statuses?video_ids=a,b (and batch_ids, of which the stand-in has none). @param {Record<string, string>} query */
	function statuses(query) {
		const ids = (query.video_ids ?? '').split(',').filter((id) => id !== '');
		const batches = (query.batch_ids ?? '').split(',').filter((id) => id !== '');
		if (ids.length + batches.length === 0)
			throw new server.HttpError(
				400,
				v3Error('invalid_parameter', 'video_ids or batch_ids is required', 'video_ids'),
			);
		if (ids.length + batches.length > MAX_STATUS_IDS)
			throw new server.HttpError(
				400,
				v3Error('invalid_parameter', `At most ${MAX_STATUS_IDS} ids at once`, 'video_ids'),
			);
		const data = ids.map((id) => {
			const video = videos.find((candidate) => candidate.id === id);
			if (!video) return { video_id: id, status: 'not_found' };
			read(video);
			const status = video.status === 'pending' ? 'queued' : video.status;
			return {
				video_id: id,
				status,
				...(video.failure
					? { error: { code: video.failure.code, message: video.failure.message } }
					: {}),
			};
		});
		return { data, has_more: false, next_token: null };
	}

	/** DELETE /v3/videos/{id}: permanent. @param {string} id */
	function remove(id) {
		const video = find(id);
		videos = videos.filter((candidate) => candidate !== video);
		deletedVideos.push(id);
		return { data: { id, deleted: true } };
	}

	/**
	 * The answer to a video request of the API, or undefined when the path is not a video's.
	 * @param {string} method @param {string} path @param {Record<string, string>} query
	 * @returns {{ status: number, body: unknown } | undefined}
	 */
	function answer(method, path, query) {
		const one = /^\/v3\/videos\/([^/]+)$/.exec(path);
		if (path !== '/v3/videos' && !one) return undefined;
		try {
			if (method === 'GET' && path === '/v3/videos') return { status: 200, body: list(query) };
			if (method === 'GET' && path === '/v3/videos/statuses')
				return { status: 200, body: statuses(query) };
			if (!one || (method !== 'GET' && method !== 'DELETE')) return undefined;
			const id = decodeURIComponent(one[1]);
			if (method === 'DELETE') return { status: 200, body: remove(id) };
			const video = find(id);
			read(video);
			return { status: 200, body: { data: present(video) } };
		} catch (error) {
			if (error instanceof server.HttpError) return { status: error.status, body: error.body };
			throw error;
		}
	}

	/** A file's bytes: deterministic, a 64-byte line again and again. @param {string} id @param {VideoFileKind} kind */
	const chunkOf = (id, kind) => Buffer.alloc(64, `${id}:${kind}`.padEnd(63, '.') + '\n');

	/**
	 * The bytes a file URL serves, whole (for a test to compare a download with).
	 * @param {string} id @param {VideoFileKind} kind
	 */
	function videoFileContent(id, kind) {
		const video = videos.find((candidate) => candidate.id === id);
		if (!video || !hasFile(video, kind)) return undefined;
		return kind === 'subtitles' ? subtitlesOf(video) : Buffer.alloc(fileBytes, chunkOf(id, kind));
	}

	/**
	 * GET /video-files/{id}/{kind} on the file host: a presigned URL, like S3's. It refuses with 403
	 * (XML) an API key, a signature it did not make, and a URL past its expiry; 404 a file that is not
	 * (or no longer) there.
	 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
	 * @param {string} path @param {Record<string, string>} query @param {number | undefined} [stall]
	 */
	async function serveFile(req, res, path, query, stall = undefined) {
		for await (const _chunk of req);
		const match = /^\/video-files\/([^/]+)\/([^/]+)$/.exec(path);
		const refuse = (
			/** @type {'apiKey' | 'signature' | 'expired'} */ reason,
			/** @type {string} */ code,
			/** @type {string} */ message,
		) => {
			videoFileRefusals.push({ path, reason });
			server.storageError(res, 403, code, message);
		};
		if (req.method !== 'GET') return server.storageError(res, 405, 'MethodNotAllowed', 'Only GET');
		if (req.headers['x-api-key'] !== undefined)
			return refuse(
				'apiKey',
				'AccessDenied',
				'Unexpected x-api-key header: the file host takes no API key',
			);
		const kind = /** @type {VideoFileKind} */ (match?.[2] ?? '');
		const expires = query.expires ?? '';
		if (!match || !(kind in VIDEO_FILES) || query.signature !== sign(match[1], kind, expires))
			return refuse(
				'signature',
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match',
			);
		if (clockNow() > Number(expires) * 1000)
			return refuse('expired', 'AccessDenied', 'Request has expired');
		current();
		const content = videoFileContent(match[1], kind);
		if (!content)
			return server.storageError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
		const { contentType } = VIDEO_FILES[kind];
		if (kind === 'subtitles')
			return server.streamBytes(res, contentType, content, content.length, stall);
		return server.streamBytes(res, contentType, chunkOf(match[1], kind), fileBytes, stall);
	}

	/**
	 * Busy mode: after an answered page of GET /v3/videos, maybe a new render lands at the front.
	 * @param {{ path: string, method: string, status: number }} record
	 */
	function afterAnswer(record) {
		const busy = behaviour.busyVideos;
		if (!busy || record.path !== '/v3/videos' || record.method !== 'GET' || record.status !== 200)
			return;
		listPages += 1;
		if (listPages % busy.addEvery === 0) videoChanges.added.push(addVideo().id);
	}

	/** A new render at the front of the library (pending unless `fields.status` says). @param {VideoFields} [fields] */
	function addVideo(fields = {}) {
		const nowSeconds = Math.floor(clockNow() / 1000);
		/** @type {StoredVideo} */
		const video = {
			id: fields.id ?? crypto.randomBytes(16).toString('hex'),
			title: fields.title === undefined ? 'New render' : fields.title,
			status: 'pending',
			created_at: fields.created_at ?? Math.max((videos[0]?.created_at ?? 0) + 1, nowSeconds),
			completed_at: null,
			folder_id: fields.folder_id ?? null,
			...(fields.output_language === undefined ? {} : { output_language: fields.output_language }),
			captions: fields.captions ?? true,
			failure: null,
			outcome: fields.outcome ?? 'completed',
			renderStartedMs: clockNow(),
			reads: 0,
		};
		if (fields.status === 'completed' || fields.status === 'failed')
			finish(video, fields.status, nowSeconds);
		else if (fields.status === 'processing') video.status = 'processing';
		videos.push(video);
		videos.sort(newestFirst);
		return present(video);
	}

	return {
		/** Takes a newly seeded library (at start and at reseed). @param {StoredVideo[]} library */
		load(library) {
			seeded = copy(library);
			videos = copy(library);
			startRenders();
		},
		/** Back to the library as seeded, its renders starting again; logs and counters cleared. */
		reset() {
			videos = copy(seeded);
			startRenders();
			videoChanges.added.length = 0;
			deletedVideos.length = 0;
			videoFileRefusals.length = 0;
			listPages = 0;
		},
		answer,
		serveFile,
		afterAnswer,
		/** The size of the file a file-host path names (for the cutFile fault), if it is a video's. @param {string} path */
		fileSize(path) {
			const match = /^\/video-files\/([^/]+)\/([^/]+)$/.exec(path);
			return match
				? videoFileContent(match[1], /** @type {VideoFileKind} */ (match[2]))?.length
				: undefined;
		},
		/** The members the stand-in's API object gains. */
		api: {
			videoChanges,
			deletedVideos,
			videoFileRefusals,
			addVideo,
			/**
			 * Ends a render now, as `outcome`. @param {string} id @param {'completed' | 'failed'} outcome
			 */
			finishVideo(id, outcome) {
				const video = videos.find((candidate) => candidate.id === id);
				if (!video) throw new Error(`No video ${id}`);
				finish(video, outcome, Math.floor(clockNow() / 1000));
				return present(video);
			},
			/** Deletes a video, as DELETE /v3/videos/{id} does. @param {string} id */
			removeVideo(id) {
				const before = videos.length;
				videos = videos.filter((video) => video.id !== id);
				return videos.length < before;
			},
			videoFileContent,
		},
		/** The library as the API shows it now (fresh URLs), newest first. */
		get videos() {
			return current().map(present);
		},
	};
}

module.exports = {
	createVideoService,
	seedVideos,
	VIDEO_BEHAVIOUR,
	VIDEO_PAGE_SIZE,
	MAX_STATUS_IDS,
	VIDEO_FILES,
};
