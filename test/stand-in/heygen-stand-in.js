// @ts-check
/**
 * The project's one HeyGen stand-in: a real HTTP server on loopback that follows HeyGen's
 * documented contract (see README "The HeyGen stand-in"), with a seeded account, switchable
 * faults and latency, and a log of the requests it saw. Used by the tests, the demo and the
 * benchmark; `npm run stand-in` runs it on its own.
 */
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const { boundaryOf, headerParameter, readMultipart } = require('./multipart');
const { createVideoService, seedVideos, VIDEO_BEHAVIOUR } = require('./videos');
const { createWebhookService, WEBHOOK_BEHAVIOUR } = require('./webhooks');

const FILE_TYPES = /** @type {const} */ (['image', 'audio', 'video']);
const DEFAULT_PAGE_SIZE = 20; // HeyGen does not document its default page size; an assumption.
const MAX_PAGE_SIZE = 100;
const DEFAULT_API_KEY = 'stand-in-api-key';
/** HeyGen's limit for POST /v3/assets (multipart), 32 MB. */
const MULTIPART_MAX_BYTES = 32_000_000;
/** The largest direct upload the stand-in accepts (HeyGen does not document one; an assumption). */
const DIRECT_UPLOAD_MAX_BYTES = 5 * 1024 ** 3;
/** How long a direct-upload URL is valid. */
const UPLOAD_URL_TTL_SECONDS = 900;
/** Uploaded files up to this size are kept, so that downloading them gives their bytes back. */
const KEEP_UPLOADED_BYTES = 4 * 1024 * 1024;
/** The content types HeyGen takes, and the asset type each becomes. */
const UPLOAD_TYPES = /** @type {Record<string, string>} */ ({
	'image/png': 'image',
	'image/jpeg': 'image',
	'video/mp4': 'video',
	'video/webm': 'video',
	'audio/mpeg': 'audio',
	'audio/wav': 'audio',
	'application/pdf': 'document',
	'application/x-subrip': 'document',
});

/** The upload behaviours' defaults: HeyGen's contract at its plainest (no lag, nothing processing). */
const UPLOAD_BEHAVIOUR = {
	storageLag: 0,
	writeMs: 0,
	processingPolls: 0,
	processingFails: false,
	signedSizeHeader: false,
	ticketMaxBytes: 0,
	emptyAnswers: false,
	linkBytesPerSecond: 0,
};

/**
 * The behaviours of one group (its defaults) that a start option sets.
 * @param {object} defaults @param {Record<string, unknown>} options
 */
function pickBehaviour(defaults, options) {
	return Object.fromEntries(
		Object.keys(defaults)
			.filter((name) => options[name] !== undefined)
			.map((name) => [name, options[name]]),
	);
}

/** @typedef {'image' | 'audio' | 'video'} FileType */
/**
 * @typedef {object} Asset
 * @property {string} id
 * @property {string} name
 * @property {FileType} file_type
 * @property {string} folder_id
 * @property {number} created_ts
 * @property {string | null} url
 * @property {{ size: number, sha256: string, contentType: string, bytes?: Buffer }} [file] an uploaded file
 */
/**
 * @typedef {object} Upload an upload as the stand-in received it
 * @property {string} assetId
 * @property {'multipart' | 'direct'} via
 * @property {string} fileName
 * @property {string} contentType
 * @property {number} size
 * @property {string} sha256
 * @property {string | undefined} idempotencyKey
 */
/**
 * @typedef {object} Folder
 * @property {string} id
 * @property {string} name
 * @property {string | null} parent_id
 * @property {string} project_type
 * @property {number} created_ts
 * @property {boolean} is_trash
 */
/**
 * @typedef {'status' | 'reset' | 'html' | 'truncated' | 'notJson' | 'errorBody' | 'noData' | 'slow' | 'repeatToken' | 'redirect' | 'dropAnswer' | 'overlap' | 'pageShape' | 'cutFile' | 'stall'} FaultKind
 * @typedef {object} Fault
 * @property {FaultKind} kind what goes wrong: an HTTP status (with `status`, `retryAfter`), a
 *   dropped connection, an HTML page, JSON cut short, a text body, a 200 whose `error` is set,
 *   a 200 without `data`, an answer delayed by `delayMs`, a page whose token is the one the
 *   client sent (the token never changes), a 302 to the same path on another origin (localhost), or
 *   (dropAnswer) the request is carried out in full and then the connection drops before the answer;
 *   (overlap) a list page that starts with the previous page's last asset again; (pageShape, v3) a
 *   page whose has_more is missing, a string, or false beside a next_token (`shape`); (cutFile) a
 *   file whose connection drops half-way; (stall) a file upload or download whose connection stops
 *   moving after `afterBytes` of the file, and stays open without a word until the client gives up
 * @property {number} [afterBytes] for kind 'stall' (default 64 KiB)
 * @property {string} [path] the endpoint it hits (default: any)
 * @property {string} [method] the method it hits (default: any)
 * @property {'hasMoreMissing' | 'hasMoreString' | 'tokenWithoutMore'} [shape] for kind 'pageShape'
 * @property {number} [at] the 1-based number of the request to that path where it starts (default: the next one)
 * @property {number} [times] how many requests in a row it hits (default 1)
 * @property {number} [status] for kind 'status' and 'html' (default 500)
 * @property {string} [retryAfter] the Retry-After header to send with it
 * @property {number} [delayMs] for kind 'slow'
 * @property {string} [message] the error message in the body
 */
/** @typedef {AssetBehaviour & import('./videos').VideoBehaviour & import('./webhooks').WebhookBehaviour} Behaviour */
/**
 * @typedef {object} AssetBehaviour
 * @property {number} latencyMs added to every API answer
 * @property {number} latencyJitterMs each answer's added time varies by up to this much either side of
 *   latencyMs (seeded, so a run is repeatable): no real server answers in exactly the same time, and
 *   answers that all take the same time keep a client's requests in lockstep
 * @property {'null' | 'empty' | 'absent'} endToken how the last page says there is no more
 * @property {boolean} totalAsString `total` as a string, as HeyGen's schema says, instead of a number
 * @property {boolean} tokenLoop every page answers with the same token, forever
 * @property {Busy | undefined} busy an account where uploads keep landing while a client pages
 * @property {number | undefined} maxInFlight an account limit the client is not told: an API request
 *   arriving while this many are being answered gets 429 (`rate_limit_exceeded`)
 * @property {string | undefined} rateLimitRetryAfter the Retry-After header sent with those 429s (none when undefined)
 * @property {{ above: number, msEach: number } | undefined} slowAbove an account that slows down under load
 *   instead of refusing: an API request arriving while more than `above` are being answered takes
 *   `msEach` longer for each one over (latency rising without 429s)
 * @property {number} clockOffsetSeconds how far the server's clock is ahead of this machine's (negative: behind):
 *   its Date header and the upload time of what is uploaded to it
 * @property {number} storageLag complete answers 409 conflict "Uploaded object not found yet" this
 *   many times after the PUT, as HeyGen's eventually consistent storage does for a moment
 * @property {number} writeMs an upload, direct-upload or complete request takes this long after it
 *   arrives; a request with its Idempotency-Key meanwhile gets 409 request_in_progress
 * @property {number} processingPolls a new asset is `processing` for this many status reads, then `completed`
 * @property {boolean} processingFails such an asset ends `failed` instead
 * @property {number} ticketMaxBytes a direct-upload ticket's max_bytes when not 0 (else the signed size);
 *   a PUT above it is refused, as HeyGen's signed URL refuses one (HeyGen's client states 200 MB)
 * @property {boolean} emptyAnswers a DELETE or complete that succeeds answers 204 with an empty body
 * @property {number} linkBytesPerSecond a slow link, when not 0: file bodies (the multipart POST, the
 *   storage PUT, the files served) move at this many bytes a second, a request's read no faster
 * @property {boolean} signedSizeHeader upload_headers carries an extra signed header the PUT must send;
 *   by default upload_headers is {} and the PUT is signed for its Content-Type only (HeyGen's contract)
 */
/**
 * @typedef {object} Busy
 * @property {number} addEvery after every this many answered list pages (v1 or v3), one upload lands at the front
 * @property {number} [removeEvery] and after every this many, the asset in the middle of the library is deleted
 */
/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {string | undefined} apiKey the x-api-key header as received
 * @property {string | undefined} host
 * @property {number} status
 * @property {number} at milliseconds since the server started
 * @property {number} [answeredAt] when the answer was sent whole (milliseconds since the server started)
 * @property {number} [abortedAt] when the client closed the connection before the answer was complete
 * @property {string | undefined} [idempotencyKey] the Idempotency-Key header
 * @property {boolean} [dropped] a dropAnswer fault: carried out, then the connection dropped
 */

/**
 * A small deterministic generator (mulberry32), so that a seed always gives the same account.
 * @param {number} seed
 */
function randomFrom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** @param {() => number} random */
function hexId(random) {
	let id = '';
	for (let i = 0; i < 32; i++) id += Math.floor(random() * 16).toString(16);
	return id;
}

const FOLDER_NAMES = [
	'Brand kit',
	'Product demos',
	'Avatars',
	'Voice-overs',
	'Webinars',
	'Social clips',
	'Onboarding',
	'Archive 2025',
];
const NAME_STEMS = {
	image: ['logo', 'background', 'thumbnail', 'slide', 'headshot', 'banner'],
	audio: ['voiceover', 'intro-music', 'narration', 'jingle', 'podcast-cut'],
	video: ['product-demo', 'testimonial', 'b-roll', 'webinar-clip', 'ad-cut'],
};
/** @type {Record<string, string>} */
const MIME_TYPES = {
	png: 'image/png',
	jpg: 'image/jpeg',
	webp: 'image/webp',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
};
const EXTENSIONS = { image: ['png', 'jpg', 'webp'], audio: ['mp3', 'wav'], video: ['mp4', 'mov'] };

/**
 * The largest gap between two items of a seeded library: an hour, or twice the average gap of the
 * span asked for. @param {number | undefined} spanDays @param {number} count
 */
function maxGapSeconds(spanDays, count) {
	return spanDays ? Math.max(2, Math.floor((2 * spanDays * 86_400) / Math.max(1, count))) : 3600;
}

/**
 * A plausible account: folders, and assets of each type, newest first (as HeyGen lists them).
 * `spanDays` spreads the uploads over that many days back from `newestTs` (default: up to an hour apart).
 * `videos` seeds that many videos too (api-notes, "Videos"; none by default), from a random of their own.
 * @param {{ seed?: number, assets?: number | Partial<Record<FileType, number>>, folders?: number, newestTs?: number, spanDays?: number, videos?: number }} [options]
 * @returns {{ assets: Asset[], folders: Folder[], videos: import('./videos').StoredVideo[] }}
 */
function seedAccount(options = {}) {
	const random = randomFrom(options.seed ?? 42);
	const folderCount = Math.min(options.folders ?? 4, 1000);
	const newestTs = options.newestTs ?? 1_795_000_000; // mid-November 2026
	/** @type {Folder[]} */
	const folders = [];
	for (let i = 0; i < folderCount; i++) {
		folders.push({
			id: hexId(random),
			name:
				FOLDER_NAMES[i % FOLDER_NAMES.length] +
				(i >= FOLDER_NAMES.length ? ` ${Math.floor(i / FOLDER_NAMES.length) + 1}` : ''),
			parent_id: null,
			project_type: 'asset',
			created_ts: newestTs - 86_400 * (400 - i),
			is_trash: false,
		});
	}
	const counts =
		typeof options.assets === 'object'
			? options.assets
			: (() => {
					const total = options.assets ?? 25;
					const image = Math.ceil(total / 3);
					const audio = Math.ceil((total - image) / 2);
					return { image, audio, video: total - image - audio };
				})();
	/** @type {FileType[]} */
	const types = [];
	for (const type of FILE_TYPES) for (let i = 0; i < (counts[type] ?? 0); i++) types.push(type);
	// Shuffle the types so that pages mix them, as a real library does.
	for (let i = types.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[types[i], types[j]] = [types[j], types[i]];
	}
	/** @type {Asset[]} */
	const assets = [];
	let ts = newestTs;
	const maxGap = maxGapSeconds(options.spanDays, types.length);
	types.forEach((type, index) => {
		ts -= 1 + Math.floor(random() * maxGap);
		const id = hexId(random);
		const stems = NAME_STEMS[type];
		const ext = EXTENSIONS[type][Math.floor(random() * EXTENSIONS[type].length)];
		// Some assets carry their id as name, as HeyGen's own example shows.
		const name =
			random() < 0.2
				? id
				: `${stems[Math.floor(random() * stems.length)]}-${String(index + 1).padStart(4, '0')}.${ext}`;
		const inFolder = folders.length > 0 && random() < 0.6;
		assets.push({
			id,
			name,
			file_type: type,
			folder_id: inFolder ? folders[Math.floor(random() * folders.length)].id : '',
			created_ts: ts,
			url: random() < 0.03 ? null : `/files/${type}/${id}/original.${ext}`,
		});
	});
	const videoRandom = randomFrom((options.seed ?? 42) + 0x5eed);
	const videos = seedVideos(videoRandom, () => hexId(videoRandom), {
		count: options.videos ?? 0,
		folderIds: folders.map((folder) => folder.id),
		newestTs,
		maxGap: maxGapSeconds(options.spanDays, options.videos ?? 0),
	});
	return { assets, folders, videos };
}

/** @param {unknown} value */
function encodeToken(value) {
	return Buffer.from(JSON.stringify(value)).toString('base64');
}

/**
 * A page token this server issued, or undefined. v1's is a keyset cursor (`id` and `created_ts` of the
 * page's last asset), as HeyGen's own example token is; v3's and the folder list's are offsets
 * (`o`), the harsher case for a reader while the library changes. `q` is the query it belongs to.
 * @param {string} token
 * @returns {{ q: string, o?: number, id?: string, created_ts?: number } | undefined}
 */
function decodeToken(token) {
	try {
		const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
		if (!value || typeof value !== 'object' || typeof value.q !== 'string') return undefined;
		if (Number.isInteger(value.o) && value.o >= 0) return value;
		if (typeof value.id === 'string' && Number.isFinite(value.created_ts)) return value;
	} catch {
		// fall through: not a token this server issued
	}
	return undefined;
}

/** Whether a path is HeyGen's API (not the file host, the storage uploads or the test sink). @param {string} path */
function isApiPath(path) {
	return path.startsWith('/v1/') || path.startsWith('/v3/');
}

/** HeyGen's order: newest first; within one second, by id (so a keyset cursor is exact). @param {Asset} a @param {Asset} b */
function newestFirst(a, b) {
	return b.created_ts - a.created_ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Whether an asset comes after a keyset cursor's position. @param {Asset} asset @param {{ id: string, created_ts: number }} key */
function isAfter(asset, key) {
	return (
		asset.created_ts < key.created_ts || (asset.created_ts === key.created_ts && asset.id < key.id)
	);
}

/**
 * An error as a storage host (S3 and its likes) answers it: XML, not JSON, and the connection closed.
 * @param {http.ServerResponse} res @param {number} status @param {string} code @param {string} message
 */
function sendStorageError(res, status, code, message) {
	const text = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
	res.writeHead(status, {
		'content-type': 'application/xml',
		'content-length': Buffer.byteLength(text),
		connection: 'close',
	});
	res.end(text);
}

class HttpError extends Error {
	/** @param {number} status @param {unknown} body */
	constructor(status, body) {
		super(`HTTP ${status}`);
		this.status = status;
		this.body = body;
	}
}

/** A v3 error body. @param {string} code @param {string} message @param {string | null} [param] */
function v3Error(code, message, param = null) {
	return { error: { code, message, param, doc_url: null } };
}

/**
 * An unknown route: a bare 404, in no HeyGen error shape (what HeyGen's gateway answers for a path
 * it does not have is not documented; a bare one is the harder case for a client, which must not
 * read it as "no such thing"). @param {http.ServerResponse} res
 */
function unknownRoute(res) {
	res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found');
}

/**
 * @param {Record<string, string>} query @param {string} name @param {number} fallback
 * @param {'v1' | 'v3'} [version] v1 takes 0–100 (0 = default), v3 takes 1–100
 */
function pageSize(query, name, fallback, version = 'v1') {
	const raw = query[name];
	if (raw === undefined || raw === '') return fallback;
	const min = version === 'v3' ? 1 : 0;
	if (!/^\d+$/.test(raw) || Number(raw) > MAX_PAGE_SIZE || Number(raw) < min) {
		const message = `${name} must be an integer from ${min} to ${MAX_PAGE_SIZE}`;
		throw new HttpError(
			400,
			version === 'v3'
				? v3Error('invalid_parameter', message, name)
				: { error: message, data: null },
		);
	}
	return Number(raw) === 0 ? fallback : Number(raw);
}

/**
 * Starts the stand-in on 127.0.0.1.
 * @param {{ port?: number, apiKey?: string, seed?: number, assets?: number | Partial<Record<FileType, number>>,
 *   folders?: number, username?: string, fileOrigin?: string, fileSizeBytes?: number, lifetimeMs?: number,
 *   multipartMaxBytes?: number, maxDirectUploadBytes?: number, uploadUrlTtlMs?: number,
 *   retireV1?: boolean, withoutV3Folders?: boolean, newestTs?: number, spanDays?: number,
 *   videos?: number, videoFileBytes?: number } & Partial<Behaviour>} [options]
 */
async function startStandIn(options = {}) {
	const apiKey = options.apiKey ?? DEFAULT_API_KEY;
	const username = options.username ?? 'stand-in-user';
	const spaceId = 'space-0001';
	let account = seedAccount({
		seed: options.seed,
		assets: options.assets,
		folders: options.folders,
		newestTs: options.newestTs,
		spanDays: options.spanDays,
		videos: options.videos,
	});
	/** The behaviour the server starts with, and goes back to at each reset. @returns {Behaviour} */
	const initialBehaviour = () => ({
		latencyMs: options.latencyMs ?? 0,
		latencyJitterMs: options.latencyJitterMs ?? 0,
		endToken: options.endToken ?? 'null',
		totalAsString: options.totalAsString ?? false,
		tokenLoop: options.tokenLoop ?? false,
		busy: options.busy,
		maxInFlight: options.maxInFlight,
		rateLimitRetryAfter: options.rateLimitRetryAfter,
		slowAbove: options.slowAbove,
		clockOffsetSeconds: options.clockOffsetSeconds ?? 0,
		...UPLOAD_BEHAVIOUR,
		...pickBehaviour(UPLOAD_BEHAVIOUR, options),
		...VIDEO_BEHAVIOUR,
		...pickBehaviour(VIDEO_BEHAVIOUR, options),
		...WEBHOOK_BEHAVIOUR,
		...pickBehaviour(WEBHOOK_BEHAVIOUR, options),
	});
	/** @type {Behaviour} */
	const behaviour = initialBehaviour();
	/** The spread of each answer's latency (latencyJitterMs), from a seed of its own. */
	const jitterRandom = randomFrom((options.seed ?? 42) + 1);
	/** Now on the server's clock (ms). */
	const clockNow = () => Date.now() + behaviour.clockOffsetSeconds * 1000;
	/** API requests being answered now, at the most since the last reset, and how many got 429 for maxInFlight. */
	const apiStats = { inFlight: 0, maxInFlight: 0, rateLimited: 0 };
	/** What busy mode did, in order: ids uploaded and deleted while clients paged. */
	const busyChanges = {
		added: /** @type {string[]} */ ([]),
		removed: /** @type {string[]} */ ([]),
	};
	let busyPages = 0;
	/** @type {Array<Fault & { from: number, left: number }>} */
	let faults = [];
	/** @type {RecordedRequest[]} */
	const requests = [];
	/** @type {Map<string, number>} */
	const countByPath = new Map();
	/** Requests received and not yet answered or closed. */
	let open = 0;
	/** @type {Array<(record: RecordedRequest) => void>} called after each answer, e.g. to change the library between pages */
	let afterHooks = [];
	const startedAt = Date.now();
	/** Downloads at once, now and at the most since the last reset. */
	const fileStats = { inFlight: 0, maxInFlight: 0 };
	/** @type {unknown[]} JSON bodies POSTed to /__sink */
	const sink = [];
	/** @type {Upload[]} every upload that created an asset */
	const uploads = [];
	/** @type {string[]} ids of deleted assets */
	const deleted = [];
	/** @type {Map<string, { status: number, body: unknown }>} answers by path and Idempotency-Key */
	const idempotent = new Map();
	/** Path and Idempotency-Key of the writes still being carried out. @type {Set<string>} */
	const inProgress = new Set();
	/** Status reads left before an asset is done processing, by asset id. @type {Map<string, number>} */
	const processing = new Map();
	/**
	 * @type {Map<string, { filename: string, contentType: string, size: number, checksum?: string, signature: string,
	 *   expiresAt: number, received?: { sha256: string, bytes?: Buffer, idempotencyKey?: string }, asset?: Asset,
	 *   lagLeft: number }>}
	 */
	const directUploads = new Map();
	/** The file host's origin: the same server under another name, as HeyGen's files are not on its API host. */
	const fileOrigin = () => options.fileOrigin ?? origin.replace('127.0.0.1', 'localhost');
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	let origin = '';

	const videoService = createVideoService({
		behaviour,
		fileBytes: options.videoFileBytes,
		clockNow,
		fileOrigin,
		pageSize,
		encodeToken,
		decodeToken,
		v3Error,
		HttpError,
		streamBytes,
		storageError: sendStorageError,
	});
	videoService.load(account.videos);

	const webhookService = createWebhookService({
		behaviour,
		clockNow,
		pageSize,
		encodeToken,
		decodeToken,
		v3Error,
		HttpError,
	});

	/** @param {Asset} asset */
	const present = (asset) => {
		const { file: _file, ...listed } = asset;
		return { ...listed, url: asset.url === null ? null : `${fileOrigin()}${asset.url}` };
	};

	/** @param {Record<string, string>} query @param {boolean} [repeatToken] answer with the token the client sent */
	function listAssets(query, repeatToken = false, overlap = 0) {
		const limit = pageSize(query, 'limit', DEFAULT_PAGE_SIZE);
		const fileType = query.file_type;
		if (
			fileType !== undefined &&
			fileType !== '' &&
			!FILE_TYPES.includes(/** @type {FileType} */ (fileType))
		) {
			throw new HttpError(400, {
				error: `file_type must be one of ${FILE_TYPES.join(', ')}`,
				data: null,
			});
		}
		const folderId = query.folder_id || undefined;
		const fingerprint = `${fileType ?? ''}|${folderId ?? ''}`;
		const matching = account.assets.filter(
			(asset) =>
				(!fileType || asset.file_type === fileType) && (!folderId || asset.folder_id === folderId),
		);
		let start = 0;
		if (query.token !== undefined && query.token !== '') {
			const token = decodeToken(query.token);
			if (!token || token.q !== fingerprint || token.id === undefined)
				throw new HttpError(400, { error: 'invalid pagination token', data: null });
			const key = { id: token.id, created_ts: Number(token.created_ts) };
			const index = matching.findIndex((asset) => isAfter(asset, key));
			start = index === -1 ? matching.length : index;
		}
		const window = matching.slice(start, start + limit);
		const page = matching.slice(Math.max(0, start - overlap), start + limit).map(present);
		/** @type {Record<string, unknown>} */
		const data = {
			assets: page,
			total: behaviour.totalAsString ? String(matching.length) : matching.length,
		};
		const last = window[window.length - 1];
		if (behaviour.tokenLoop || repeatToken) {
			data.token =
				query.token || encodeToken({ id: last?.id ?? '', created_ts: 0, q: fingerprint });
		} else if (start + limit < matching.length && last) {
			data.token = encodeToken({ id: last.id, created_ts: last.created_ts, q: fingerprint });
		} else if (behaviour.endToken === 'null') {
			data.token = null;
		} else if (behaviour.endToken === 'empty') {
			data.token = '';
		}
		return { error: null, data };
	}

	/**
	 * GET /v3/assets (Beta): `username` required, `limit` 1–100, `folder_id` absent = all folders,
	 * empty = the root only; pages follow `next_token` while `has_more`.
	 * @param {Record<string, string>} query
	 */
	function listAssetsV3(query, overlap = 0) {
		if (!query.username)
			throw new HttpError(400, v3Error('invalid_parameter', 'username is required', 'username'));
		const limit = pageSize(query, 'limit', DEFAULT_PAGE_SIZE, 'v3');
		const folderFilter = query.folder_id;
		const fingerprint = `v3|${query.username}|${folderFilter ?? '*'}`;
		let offset = 0;
		if (query.token) {
			const token = decodeToken(query.token);
			if (!token || token.q !== fingerprint || token.o === undefined)
				throw new HttpError(400, v3Error('invalid_parameter', 'invalid pagination token', 'token'));
			offset = token.o;
		}
		const owned = query.username === username ? account.assets : [];
		const matching = owned.filter(
			(asset) => folderFilter === undefined || asset.folder_id === folderFilter,
		);
		const data = matching.slice(Math.max(0, offset - overlap), offset + limit).map(v3Asset);
		const hasMore = behaviour.tokenLoop || offset + limit < matching.length;
		const nextToken = behaviour.tokenLoop
			? encodeToken({ o: 0, q: fingerprint })
			: hasMore
				? encodeToken({ o: offset + limit, q: fingerprint })
				: null;
		return { data, has_more: hasMore, next_token: nextToken };
	}

	/** An asset as v3 shows it. @param {Asset} asset */
	function v3Asset(asset) {
		const shown = present(asset);
		return {
			id: shown.id,
			name: shown.name,
			type: shown.file_type,
			owner: username,
			space_id: spaceId,
			uploaded_at: shown.created_ts,
			url: shown.url,
			folder_id: shown.folder_id === '' ? null : shown.folder_id,
		};
	}

	/** @param {string} id */
	function findAsset(id) {
		const asset = account.assets.find((a) => a.id === id);
		if (!asset) throw new HttpError(404, v3Error('not_found', `Asset ${id} not found`, 'asset_id'));
		return asset;
	}

	/**
	 * A new asset at the top of the library, as an upload makes it.
	 * @param {{ name: string, contentType: string, size: number, sha256: string, bytes?: Buffer }} file
	 * @param {string} [id] the id HeyGen gave it already (a direct upload's)
	 */
	function createAsset(file, id = crypto.randomBytes(16).toString('hex')) {
		const type = /** @type {FileType} */ (UPLOAD_TYPES[file.contentType]);
		const ext = file.name.includes('.') ? file.name.split('.').pop() : 'bin';
		/** @type {Asset} */
		const asset = {
			id,
			name: file.name,
			file_type: type,
			folder_id: '',
			created_ts: Math.max((account.assets[0]?.created_ts ?? 0) + 1, Math.floor(clockNow() / 1000)),
			url: `/files/${type}/${id}/original.${ext}`,
			file: {
				size: file.size,
				sha256: file.sha256,
				contentType: file.contentType,
				bytes: file.bytes,
			},
		};
		account.assets.unshift(asset);
		if (behaviour.processingPolls > 0) processing.set(id, behaviour.processingPolls);
		return asset;
	}

	/** An asset's processing status, as GET /v3/assets/statuses gives it. @param {string} id */
	function assetStatus(id) {
		if (!account.assets.some((asset) => asset.id === id)) return 'not_found';
		const left = processing.get(id);
		if (left === undefined) return behaviour.processingFails ? 'failed' : 'completed';
		return left > 0 ? 'processing' : behaviour.processingFails ? 'failed' : 'completed';
	}

	/** GET /v3/assets/statuses?asset_ids=a,b: each asset's status; a read counts down its processing. @param {Record<string, string>} query */
	function assetStatuses(query) {
		const ids = (query.asset_ids ?? '').split(',').filter((id) => id !== '');
		if (ids.length === 0)
			throw new HttpError(400, v3Error('validation_error', 'asset_ids is required', 'asset_ids'));
		const statuses = ids.map((id) => {
			const status = assetStatus(id);
			const left = processing.get(id);
			if (left !== undefined && left > 0) processing.set(id, left - 1);
			return { asset_id: id, status };
		});
		return { data: { assets: statuses } };
	}

	/** @param {Asset} asset */
	const uploadedAnswer = (asset) => ({
		asset_id: asset.id,
		url: present(asset).url,
		mime_type: asset.file?.contentType,
		size_bytes: asset.file?.size,
		status: processing.has(asset.id) ? 'processing' : 'completed',
	});

	/** @param {http.IncomingMessage} req @param {string} name */
	const header = (req, name) =>
		typeof req.headers[name] === 'string' ? /** @type {string} */ (req.headers[name]) : undefined;

	/**
	 * A request whose link stalled: it is never carried out (its key is not held), and never answered;
	 * the connection stays open, silent, until the client gives up.
	 */
	class StalledLink extends Error {}
	/** The requests whose file is to stall, and after how many bytes. @type {WeakMap<object, number>} */
	const stallAfter = new WeakMap();
	/** Waits as a link of `behaviour.linkBytesPerSecond` would take to move `bytes`. @param {number} bytes */
	const linkTime = async (bytes) => {
		const rate = behaviour.linkBytesPerSecond;
		if (rate > 0)
			await new Promise((resolve) => setTimeout(resolve, (bytes / rate) * 1000).unref());
	};
	/**
	 * A request's body as the link brings it: paced by linkBytesPerSecond (the client meets TCP's
	 * backpressure), and for a stalling request nothing more after its bytes, until the client leaves.
	 * @param {http.IncomingMessage} req
	 */
	async function* linkIn(req) {
		const stall = stallAfter.get(req);
		let moved = 0;
		for await (const chunk of req) {
			const piece = stall === undefined ? chunk : chunk.subarray(0, Math.max(0, stall - moved));
			moved += piece.length;
			if (piece.length) yield piece;
			await linkTime(piece.length);
			if (stall !== undefined && moved >= stall) {
				req.pause();
				throw new StalledLink();
			}
		}
	}

	/** Reads a JSON request body (small). @param {http.IncomingMessage} req */
	async function jsonBody(req) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		try {
			const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
			if (value && typeof value === 'object' && !Array.isArray(value)) return value;
		} catch {
			// fall through
		}
		throw new HttpError(400, v3Error('invalid_request', 'The body must be a JSON object'));
	}

	/**
	 * POST /v3/assets: one file in a multipart body, field `file`, up to 32 MB, read as a stream.
	 * @param {http.IncomingMessage} req
	 */
	async function receiveMultipart(req) {
		const boundary = boundaryOf(header(req, 'content-type') ?? '');
		if (!boundary)
			throw new HttpError(
				400,
				v3Error('validation_error', 'Expected multipart/form-data with a boundary'),
			);
		const declared = Number(header(req, 'content-length') ?? NaN);
		const limit = options.multipartMaxBytes ?? MULTIPART_MAX_BYTES;
		/** @type {{ name: string, contentType: string, size: number, hash: crypto.Hash, chunks: Buffer[] } | undefined} */
		let file;
		let current = '';
		let tooLarge = declared > limit + 64 * 1024;
		if (!tooLarge) {
			await readMultipart(linkIn(req), boundary, {
				start(headers) {
					const disposition = headers['content-disposition'] ?? '';
					current = headerParameter(disposition, 'name') ?? '';
					if (current === 'file') {
						file = {
							name: headerParameter(disposition, 'filename') ?? 'upload',
							contentType: (headers['content-type'] ?? '').toLowerCase(),
							size: 0,
							hash: crypto.createHash('sha256'),
							chunks: [],
						};
					}
				},
				data(chunk) {
					if (current !== 'file' || !file || tooLarge) return;
					file.size += chunk.length;
					if (file.size > limit) tooLarge = true;
					file.hash.update(chunk);
					if (file.size <= KEEP_UPLOADED_BYTES) file.chunks.push(Buffer.from(chunk));
				},
				end() {
					current = '';
				},
			}).catch((error) => {
				if (error instanceof StalledLink) throw error;
				throw new HttpError(400, v3Error('validation_error', String(error.message)));
			});
		} else {
			for await (const _chunk of req);
		}
		if (tooLarge)
			throw new HttpError(
				413,
				v3Error(
					'payload_too_large',
					`The file is larger than ${limit} bytes; use a direct upload`,
					'file',
				),
			);
		if (!file)
			throw new HttpError(400, v3Error('validation_error', 'The form has no file field', 'file'));
		if (file.size === 0)
			throw new HttpError(400, v3Error('validation_error', 'The file is empty', 'file'));
		if (!UPLOAD_TYPES[file.contentType])
			throw new HttpError(
				400,
				v3Error('validation_error', `Files of type ${file.contentType} are not supported`, 'file'),
			);
		const sha256 = file.hash.digest('hex');
		const asset = createAsset({
			name: file.name,
			contentType: file.contentType,
			size: file.size,
			sha256,
			bytes: file.size <= KEEP_UPLOADED_BYTES ? Buffer.concat(file.chunks) : undefined,
		});
		uploads.push({
			assetId: asset.id,
			via: 'multipart',
			fileName: file.name,
			contentType: file.contentType,
			size: file.size,
			sha256,
			idempotencyKey: header(req, 'idempotency-key'),
		});
		return asset;
	}

	/** POST /v3/assets/direct-uploads: an upload URL on the file host, signed for one size and type. @param {http.IncomingMessage} req */
	async function createDirectUpload(req) {
		const body = await jsonBody(req);
		const {
			filename,
			content_type: contentType,
			size_bytes: size,
			checksum_sha256: checksum,
		} = body;
		if (typeof filename !== 'string' || filename === '')
			throw new HttpError(400, v3Error('validation_error', 'filename is required', 'filename'));
		if (typeof contentType !== 'string' || !UPLOAD_TYPES[contentType])
			throw new HttpError(
				400,
				v3Error(
					'validation_error',
					`content_type ${String(contentType)} is not supported`,
					'content_type',
				),
			);
		if (!Number.isInteger(size) || size < 1)
			throw new HttpError(
				400,
				v3Error('validation_error', 'size_bytes must be a positive integer', 'size_bytes'),
			);
		const maxBytes = options.maxDirectUploadBytes ?? DIRECT_UPLOAD_MAX_BYTES;
		if (size > maxBytes)
			throw new HttpError(
				413,
				v3Error('payload_too_large', `size_bytes is over the limit of ${maxBytes}`, 'size_bytes'),
			);
		if (checksum !== undefined && !/^[0-9a-f]{64}$/.test(String(checksum)))
			throw new HttpError(
				400,
				v3Error('validation_error', 'checksum_sha256 must be 64 hex digits', 'checksum_sha256'),
			);
		const assetId = crypto.randomBytes(16).toString('hex');
		const ttlMs = options.uploadUrlTtlMs ?? UPLOAD_URL_TTL_SECONDS * 1000;
		const signature = crypto.randomBytes(12).toString('hex');
		directUploads.set(assetId, {
			filename,
			contentType,
			size,
			checksum,
			signature,
			expiresAt: Date.now() + ttlMs,
			received: undefined,
			asset: undefined,
			lagLeft: behaviour.storageLag,
		});
		return {
			asset_id: assetId,
			upload_url: `${fileOrigin()}/uploads/${assetId}?expires=${Math.floor((Date.now() + ttlMs) / 1000)}&signature=${signature}`,
			// HeyGen's upload_headers may be {}: the URL is signed for the Content-Type, which the client sets.
			upload_headers: behaviour.signedSizeHeader ? { 'x-stand-in-signed-size': String(size) } : {},
			expires_in_seconds: Math.round(ttlMs / 1000),
			max_bytes: behaviour.ticketMaxBytes || size,
			status: 'pending_upload',
		};
	}

	/**
	 * PUT /uploads/{asset_id} on the file host: a presigned storage URL. It takes no API key, only the
	 * signed headers, exactly the signed size, before it expires, and the checksum when one was given.
	 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} path @param {Record<string, string>} query
	 */
	async function receiveDirectUpload(req, res, path, query) {
		const storageError = (
			/** @type {number} */ status,
			/** @type {string} */ code,
			/** @type {string} */ message,
		) => sendStorageError(res, status, code, message);
		const ticket = directUploads.get(decodeURIComponent(path.slice('/uploads/'.length)));
		if (req.method !== 'PUT') return storageError(405, 'MethodNotAllowed', 'Only PUT');
		if (!ticket || query.signature !== ticket.signature)
			return storageError(403, 'SignatureDoesNotMatch', 'The signature does not match');
		if (req.headers['x-api-key'] !== undefined)
			return storageError(
				400,
				'InvalidArgument',
				'Unexpected x-api-key header: storage takes no API key',
			);
		if (Date.now() > ticket.expiresAt)
			return storageError(403, 'AccessDenied', 'Request has expired');
		if (
			header(req, 'content-type') !== ticket.contentType ||
			(behaviour.signedSizeHeader && header(req, 'x-stand-in-signed-size') !== String(ticket.size))
		) {
			return storageError(
				403,
				'SignatureDoesNotMatch',
				'The signed headers were not sent as given',
			);
		}
		if (behaviour.ticketMaxBytes && ticket.size > behaviour.ticketMaxBytes)
			return storageError(
				400,
				'EntityTooLarge',
				'Your proposed upload exceeds the maximum allowed size',
			);
		if (Number(header(req, 'content-length')) !== ticket.size)
			return storageError(400, 'InvalidRequest', `Content-Length must be ${ticket.size}`);
		const hash = crypto.createHash('sha256');
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		for await (const chunk of linkIn(req)) {
			size += chunk.length;
			hash.update(chunk);
			if (ticket.size <= KEEP_UPLOADED_BYTES) chunks.push(chunk);
		}
		const sha256 = hash.digest('hex');
		if (size !== ticket.size)
			return storageError(400, 'IncompleteBody', 'The body is shorter than Content-Length');
		if (ticket.checksum !== undefined && ticket.checksum !== sha256)
			return storageError(
				400,
				'BadDigest',
				'The SHA-256 you specified did not match what we received',
			);
		ticket.received = {
			sha256,
			bytes: chunks.length ? Buffer.concat(chunks) : undefined,
			idempotencyKey: undefined,
		};
		res.writeHead(200, { 'content-length': 0 });
		return res.end();
	}

	/** POST /v3/assets/{asset_id}/complete. @param {http.IncomingMessage} req @param {string} assetId */
	async function completeDirectUpload(req, assetId) {
		const body = await jsonBody(req);
		const ticket = directUploads.get(assetId);
		if (!ticket)
			throw new HttpError(404, v3Error('not_found', `No direct upload ${assetId}`, 'asset_id'));
		if (!ticket.asset) {
			if (!ticket.received)
				throw new HttpError(
					409,
					v3Error('conflict', 'The file has not been uploaded to upload_url'),
				);
			if (ticket.lagLeft > 0) {
				ticket.lagLeft -= 1;
				throw new HttpError(409, v3Error('conflict', 'Uploaded object not found yet'));
			}
			if (body.checksum_sha256 !== undefined && body.checksum_sha256 !== ticket.received.sha256) {
				throw new HttpError(
					400,
					v3Error(
						'validation_error',
						'checksum_sha256 does not match the uploaded file',
						'checksum_sha256',
					),
				);
			}
			const asset = createAsset(
				{
					name: ticket.filename,
					contentType: ticket.contentType,
					size: ticket.size,
					sha256: ticket.received.sha256,
					bytes: ticket.received.bytes,
				},
				assetId,
			);
			ticket.asset = asset;
			uploads.push({
				assetId: asset.id,
				via: 'direct',
				fileName: ticket.filename,
				contentType: ticket.contentType,
				size: ticket.size,
				sha256: ticket.received.sha256,
				idempotencyKey: header(req, 'idempotency-key'),
			});
		}
		return uploadedAnswer(ticket.asset);
	}

	/**
	 * The v3 requests that change the library: upload, direct upload, complete, delete. An
	 * Idempotency-Key that was seen on the same path gets the first answer again, and nothing twice.
	 * @param {http.IncomingMessage} req @param {string} path
	 * @returns {Promise<{ status: number, body: unknown } | undefined>}
	 */
	async function assetWrite(req, path) {
		const one = /^\/v3\/assets\/([^/]+)(\/complete)?$/.exec(path);
		const isWrite =
			(req.method === 'POST' &&
				(path === '/v3/assets' || path === '/v3/assets/direct-uploads' || (one && one[2]))) ||
			(req.method === 'DELETE' && one && !one[2]);
		if (!isWrite) return undefined;
		const key = header(req, 'idempotency-key');
		const replayKey = key === undefined ? undefined : `${path}|${key}`;
		const replay = replayKey === undefined ? undefined : idempotent.get(replayKey);
		if (replay) {
			for await (const _chunk of req);
			return replay;
		}
		if (replayKey !== undefined && inProgress.has(replayKey)) {
			for await (const _chunk of req);
			return {
				status: 409,
				body: v3Error('request_in_progress', 'A request with this Idempotency-Key is in progress'),
			};
		}
		if (replayKey !== undefined) inProgress.add(replayKey);
		try {
			const answer = await carryOutWrite(req, path, one);
			// HeyGen has the whole request by now: a client that leaves meanwhile does not stop it.
			if (behaviour.writeMs > 0 && req.method === 'POST')
				await new Promise((resolve) => setTimeout(resolve, behaviour.writeMs).unref());
			if (replayKey !== undefined && answer.status < 400) idempotent.set(replayKey, answer);
			return answer;
		} finally {
			if (replayKey !== undefined) inProgress.delete(replayKey);
		}
	}

	/**
	 * One write, carried out.
	 * @param {http.IncomingMessage} req @param {string} path @param {RegExpExecArray | null} one
	 * @returns {Promise<{ status: number, body: unknown }>}
	 */
	async function carryOutWrite(req, path, one) {
		/** @type {{ status: number, body: unknown }} */
		let answer;
		try {
			if (req.method === 'DELETE' && one) {
				const asset = findAsset(decodeURIComponent(one[1]));
				account.assets = account.assets.filter((a) => a !== asset);
				deleted.push(asset.id);
				answer = { status: 200, body: { data: { id: asset.id } } };
			} else if (path === '/v3/assets') {
				answer = { status: 200, body: { data: uploadedAnswer(await receiveMultipart(req)) } };
			} else if (path === '/v3/assets/direct-uploads') {
				answer = { status: 200, body: { data: await createDirectUpload(req) } };
			} else {
				answer = {
					status: 200,
					body: {
						data: await completeDirectUpload(
							req,
							decodeURIComponent(/** @type {RegExpExecArray} */ (one)[1]),
						),
					},
				};
			}
		} catch (error) {
			if (!(error instanceof HttpError)) throw error;
			for await (const _chunk of req);
			return { status: error.status, body: error.body };
		}
		return answer;
	}

	/** @param {Record<string, string>} query */
	function listFolders(query) {
		const limit = pageSize(query, 'limit', DEFAULT_PAGE_SIZE);
		const nameFilter = (query.name_filter ?? '').toLowerCase();
		const trash = query.is_trash === 'true';
		const parent = query.parent_id || null;
		const fingerprint = `${nameFilter}|${trash}|${parent ?? ''}`;
		let offset = 0;
		if (query.token) {
			const token = decodeToken(query.token);
			if (!token || token.q !== fingerprint || token.o === undefined)
				throw new HttpError(400, { error: 'invalid pagination token', data: null });
			offset = token.o;
		}
		const matching = account.folders.filter(
			(folder) =>
				folder.is_trash === trash &&
				folder.parent_id === parent &&
				folder.name.toLowerCase().includes(nameFilter),
		);
		const folders = matching.slice(offset, offset + limit);
		const token =
			offset + limit < matching.length ? encodeToken({ o: offset + limit, q: fingerprint }) : null;
		return { error: null, data: { folders, token } };
	}

	// #region v3 folders and the v1 sunset
	/**
	 * Whether every /v1/* endpoint answers 410, as after HeyGen's v1 sunset. Starts as the
	 * `retireV1` option says, else as HEYGEN_STAND_IN_RETIRE_V1=1 says: the whole suite can run so.
	 */
	const v1RetiredAtStart = options.retireV1 ?? process.env.HEYGEN_STAND_IN_RETIRE_V1 === '1';
	let v1Retired = v1RetiredAtStart;
	/**
	 * Whether /v3/folders/* is served. HeyGen's published spec has no such path (api-notes,
	 * "Folders"): without it every id gets the bare 404 of an unknown route. Starts as the
	 * `withoutV3Folders` option says, else as HEYGEN_STAND_IN_NO_V3_FOLDERS=1 says.
	 */
	const v3FoldersAtStart = !(
		options.withoutV3Folders ?? process.env.HEYGEN_STAND_IN_NO_V3_FOLDERS === '1'
	);
	let v3Folders = v3FoldersAtStart;

	/** The answer of a retired v1 endpoint, in v1's error shape. @param {string} path */
	function retiredAnswer(path) {
		return {
			error: `${path} was retired with HeyGen's v1 API; use the v3 endpoints`,
			data: null,
		};
	}

	/**
	 * A folder as GET /v3/folders/{folder_id} shows it: `created_at`/`updated_at` in unix seconds,
	 * `parent_id` absent at the workspace root (HeyGen's spec).
	 * @param {Folder} folder
	 */
	function v3Folder(folder) {
		return {
			folder_id: folder.id,
			name: folder.name,
			type: 'mixed',
			is_trash: folder.is_trash,
			created_at: folder.created_ts,
			updated_at: folder.created_ts,
			...(folder.parent_id === null ? {} : { parent_id: folder.parent_id }),
			creator_username: username,
		};
	}

	/**
	 * GET /v3/folders/{folder_id}: trashed folders included; an unknown (deleted, or another
	 * workspace's) id is 404 not_found.
	 * @param {string} path @returns {{ status: number, body: unknown } | undefined}
	 */
	function folderV3(path) {
		const match = /^\/v3\/folders\/([^/]+)$/.exec(path);
		if (!match || !v3Folders) return undefined;
		const id = decodeURIComponent(match[1]);
		const folder = account.folders.find((candidate) => candidate.id === id);
		if (!folder)
			return { status: 404, body: v3Error('not_found', `Folder ${id} not found`, 'folder_id') };
		return { status: 200, body: { data: v3Folder(folder) } };
	}
	// #endregion

	/**
	 * The file host: an asset's bytes, streamed (fileSizeBytes each, deterministic), with its MIME type.
	 * Like HeyGen's file hosts, it needs no API key.
	 * @param {http.ServerResponse} res @param {string} path @param {number | undefined} [stall] bytes after which it stalls
	 */
	function serveFile(res, path, stall = undefined) {
		const asset = account.assets.find((a) => a.url === path);
		if (!asset) return sendJson(res, 404, { error: 'not found' });
		if (asset.file?.bytes) {
			res.writeHead(200, {
				'content-type': asset.file.contentType,
				'content-length': asset.file.bytes.length,
			});
			return res.end(asset.file.bytes);
		}
		const size = asset.file?.size ?? options.fileSizeBytes ?? 64;
		const ext = path.split('.').pop() ?? '';
		const chunk = Buffer.alloc(Math.min(size, 64 * 1024), `${asset.id}\n`);
		return streamBytes(res, MIME_TYPES[ext] ?? 'application/octet-stream', chunk, size, stall);
	}

	/**
	 * A 200 whose body is `chunk` again and again up to `size` bytes, streamed as the link allows
	 * (see linkBytesPerSecond) and, for a stall, stopping after `stall` bytes.
	 * @param {http.ServerResponse} res @param {string} contentType @param {Buffer} chunk @param {number} size
	 * @param {number | undefined} [stall]
	 */
	function streamBytes(res, contentType, chunk, size, stall = undefined) {
		res.writeHead(200, { 'content-type': contentType, 'content-length': size });
		if (behaviour.linkBytesPerSecond > 0 || stall !== undefined)
			return void sendOverLink(res, chunk, size, stall);
		let left = size;
		const pump = () => {
			while (left > 0) {
				const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
				left -= piece.length;
				if (!res.write(piece)) return void res.once('drain', pump);
			}
			res.end();
		};
		pump();
		return undefined;
	}

	/**
	 * A file's bytes as a slow or stalling link sends them: paced by linkBytesPerSecond, and for a
	 * stall nothing after `stall` bytes, the connection held open until the client leaves.
	 * @param {http.ServerResponse} res @param {Buffer} chunk @param {number} size @param {number | undefined} stall
	 */
	async function sendOverLink(res, chunk, size, stall) {
		const piece = chunk.subarray(0, Math.min(chunk.length, 16 * 1024));
		let sent = 0;
		while (sent < size && !res.destroyed) {
			if (stall !== undefined && sent >= stall) return;
			const next = piece.subarray(0, Math.min(piece.length, size - sent));
			sent += next.length;
			if (!res.write(next)) await new Promise((resolve) => res.once('drain', resolve));
			await linkTime(next.length);
		}
		res.end();
	}

	/** @param {string} path @param {string} method */
	function nextFault(path, method) {
		const count = (countByPath.get(path) ?? 0) + 1;
		countByPath.set(path, count);
		const fault = faults.find(
			(f) =>
				(f.path === undefined || f.path === path) &&
				(f.method === undefined || f.method === method) &&
				count >= f.from &&
				f.left > 0,
		);
		if (fault) fault.left -= 1;
		return fault;
	}

	/**
	 * @param {http.ServerResponse} res @param {number} status @param {unknown} body
	 * @param {Record<string, string>} [headers]
	 */
	function sendJson(res, status, body, headers = {}) {
		const text = JSON.stringify(body);
		res.writeHead(status, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text),
			date: new Date(clockNow()).toUTCString(),
			...headers,
		});
		res.end(text);
	}

	/**
	 * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {RecordedRequest} record
	 */
	async function handle(req, res, record) {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		const query = Object.fromEntries(url.searchParams.entries());
		Object.assign(record, { path, query });

		const v3 = path.startsWith('/v3/');
		if (path.startsWith('/files/') || path.startsWith('/video-files/')) {
			// Downloads in progress, from arrival to the end of the answer (latency included).
			fileStats.inFlight += 1;
			fileStats.maxInFlight = Math.max(fileStats.maxInFlight, fileStats.inFlight);
			res.once('close', () => {
				fileStats.inFlight -= 1;
			});
		}
		if (isApiPath(path)) {
			if (behaviour.maxInFlight !== undefined && apiStats.inFlight >= behaviour.maxInFlight) {
				apiStats.rateLimited += 1;
				for await (const _chunk of req);
				const retryAfter = behaviour.rateLimitRetryAfter;
				return sendJson(
					res,
					429,
					v3
						? v3Error('rate_limit_exceeded', 'Too many requests at once')
						: { error: 'Too many requests at once', data: null },
					retryAfter === undefined ? {} : { 'retry-after': retryAfter },
				);
			}
			apiStats.inFlight += 1;
			apiStats.maxInFlight = Math.max(apiStats.maxInFlight, apiStats.inFlight);
			res.once('close', () => {
				apiStats.inFlight -= 1;
			});
		}
		const fault = nextFault(path, req.method ?? 'GET');
		// A fault answers before the body is read: read it first, so the client can send it whole.
		const stall = fault?.kind === 'stall' ? (fault.afterBytes ?? 64 * 1024) : undefined;
		if (stall !== undefined) stallAfter.set(req, stall);
		const answersEarly = fault && !['slow', 'dropAnswer', 'reset', 'stall'].includes(fault.kind);
		if (answersEarly) for await (const _chunk of req);
		const slowAbove = behaviour.slowAbove;
		const load =
			isApiPath(path) && slowAbove
				? slowAbove.msEach * Math.max(0, apiStats.inFlight - 1 - slowAbove.above)
				: 0;
		const jitter = behaviour.latencyJitterMs * (2 * jitterRandom() - 1);
		const delay =
			Math.max(0, behaviour.latencyMs + jitter) +
			load +
			(fault?.kind === 'slow' ? (fault.delayMs ?? 5000) : 0);
		if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref());
		if (res.destroyed) return undefined;

		if (fault && fault.kind !== 'slow' && fault.kind !== 'stall') {
			const message = fault.message ?? 'stand-in fault';
			/** @type {Record<string, string>} */
			const extra = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
			switch (fault.kind) {
				case 'status':
					if (v3)
						return sendJson(
							res,
							fault.status ?? 500,
							v3Error(
								fault.status === 401
									? 'unauthorized'
									: fault.status === 429
										? 'rate_limit_exceeded'
										: 'server_error',
								message,
							),
							extra,
						);
					return sendJson(
						res,
						fault.status ?? 500,
						fault.status === 401
							? { code: 400112, message: 'Unauthorized' }
							: { error: message, data: null },
						extra,
					);
				case 'reset':
					record.status = 0;
					return req.socket.destroy();
				case 'html': {
					const page = `<html><head><title>${fault.status ?? 502} Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>`;
					res.writeHead(fault.status ?? 502, { 'content-type': 'text/html', ...extra });
					return res.end(page);
				}
				case 'truncated': {
					const text = JSON.stringify(v3 ? listAssetsV3(query) : listAssets(query));
					res.writeHead(200, { 'content-type': 'application/json' });
					return res.end(text.slice(0, Math.floor(text.length / 2)));
				}
				case 'notJson':
					res.writeHead(200, { 'content-type': 'text/plain' });
					return res.end('OK');
				case 'errorBody':
					return sendJson(
						res,
						200,
						v3 ? v3Error('server_error', message) : { error: message, data: null },
					);
				case 'noData':
					return sendJson(res, 200, { error: null });
				case 'repeatToken':
					return sendJson(res, 200, listAssets(query, true));
				case 'overlap':
					return sendJson(res, 200, v3 ? listAssetsV3(query, 1) : listAssets(query, false, 1));
				case 'pageShape': {
					const body = listAssetsV3(query);
					/** @type {Record<string, unknown>} */
					const shaped = { ...body };
					if (fault.shape === 'hasMoreMissing') delete shaped.has_more;
					if (fault.shape === 'hasMoreString') shaped.has_more = String(body.has_more);
					if (fault.shape === 'tokenWithoutMore') shaped.has_more = false;
					return sendJson(res, 200, shaped);
				}
				case 'redirect':
					res.writeHead(302, { location: `${origin.replace('127.0.0.1', 'localhost')}${req.url}` });
					return res.end();
				case 'dropAnswer':
					record.dropped = true;
					break;
				case 'cutFile': {
					// A file host that drops the connection half-way through the file.
					const asset = account.assets.find((a) => a.url === path);
					const size =
						videoService.fileSize(path) ?? asset?.file?.size ?? options.fileSizeBytes ?? 64;
					res.writeHead(200, {
						'content-type': 'application/octet-stream',
						'content-length': size,
					});
					res.write(Buffer.alloc(Math.floor(size / 2), 1));
					record.status = 0;
					return setTimeout(() => req.socket.destroy(), 20);
				}
				default:
					break;
			}
		}

		if (path.startsWith('/files/')) return serveFile(res, path, stall);
		if (path.startsWith('/video-files/'))
			return await videoService.serveFile(req, res, path, query, stall);
		if (path.startsWith('/uploads/')) return await receiveDirectUpload(req, res, path, query);
		if (path === '/__sink' && req.method === 'POST') {
			// Not HeyGen: a place for a test workflow to deliver its items, so a test can read them.
			const chunks = [];
			for await (const chunk of req) chunks.push(chunk);
			try {
				sink.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			} catch {
				return sendJson(res, 400, { error: 'the sink takes JSON' });
			}
			return sendJson(res, 200, { ok: true });
		}
		const key = req.headers['x-api-key'];
		if (key !== apiKey) {
			for await (const _chunk of req);
			return v3
				? sendJson(res, 401, {
						error: {
							code: 'unauthorized',
							message: 'Invalid or missing API key',
							param: null,
							doc_url: null,
						},
					})
				: sendJson(res, 401, { code: 400112, message: 'Unauthorized' });
		}
		if (v1Retired && path.startsWith('/v1/')) return sendJson(res, 410, retiredAnswer(path));
		try {
			const write =
				(await assetWrite(req, path)) ??
				(await webhookService.answer(req.method ?? 'GET', path, query, () => jsonBody(req))) ??
				videoService.answer(req.method ?? 'GET', path, query);
			if (write) {
				record.status = write.status;
				if (record.dropped) return req.socket.destroy();
				const emptyAnswer =
					behaviour.emptyAnswers &&
					write.status === 200 &&
					(req.method === 'DELETE' || path.endsWith('/complete'));
				if (emptyAnswer) return res.writeHead(204).end();
				return sendJson(res, write.status, write.body);
			}
			if (req.method !== 'GET')
				return sendJson(
					res,
					405,
					v3
						? v3Error('method_not_allowed', `${req.method} ${path} is not served`)
						: { error: `${req.method} is not served by the stand-in`, data: null },
				);
			if (path === '/v1/asset/list') return sendJson(res, 200, listAssets(query));
			if (path === '/v1/folders') return sendJson(res, 200, listFolders(query));
			if (path === '/v3/assets') return sendJson(res, 200, listAssetsV3(query));
			if (path === '/v3/assets/statuses') return sendJson(res, 200, assetStatuses(query));
			const one = /^\/v3\/assets\/([^/]+)$/.exec(path);
			if (one) return sendJson(res, 200, { data: v3Asset(findAsset(decodeURIComponent(one[1]))) });
			const folder = folderV3(path);
			if (folder) return sendJson(res, folder.status, folder.body);
			if (path === '/v3/users/me') {
				return sendJson(res, 200, {
					data: {
						username,
						email: `${username}@example.com`,
						first_name: 'Stand',
						last_name: 'In',
						billing_type: 'usage_based',
					},
				});
			}
		} catch (error) {
			if (error instanceof HttpError) return sendJson(res, error.status, error.body);
			throw error;
		}
		return unknownRoute(res);
	}

	/** Busy mode: uploads (and deletions) land between the pages a client reads. @param {RecordedRequest} record */
	function busyAfter(record) {
		const busy = behaviour.busy;
		const listing = record.path === '/v1/asset/list' || record.path === '/v3/assets';
		if (!busy || !listing || record.status !== 200) return;
		busyPages += 1;
		if (busyPages % busy.addEvery === 0) busyChanges.added.push(api.addAsset().id);
		if (busy.removeEvery && busyPages % busy.removeEvery === 0 && account.assets.length > 0) {
			const [removed] = account.assets.splice(Math.floor(account.assets.length / 2), 1);
			busyChanges.removed.push(removed.id);
		}
	}

	const server = http.createServer((req, res) => {
		/** @type {RecordedRequest} */
		const record = {
			method: req.method ?? 'GET',
			path: '',
			query: {},
			apiKey: typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : undefined,
			idempotencyKey:
				typeof req.headers['idempotency-key'] === 'string'
					? req.headers['idempotency-key']
					: undefined,
			host: req.headers.host,
			status: 0,
			at: Date.now() - startedAt,
		};
		requests.push(record);
		open += 1;
		res.once('close', () => {
			open -= 1;
		});
		res.on('finish', () => {
			record.status = res.statusCode;
			record.answeredAt = Date.now() - startedAt;
			for (const hook of afterHooks) hook(record);
			busyAfter(record);
			videoService.afterAnswer(record);
		});
		res.on('close', () => {
			// The client went away before the answer was complete (a timeout or a cancelled run).
			if (!res.writableFinished) record.abortedAt = Date.now() - startedAt;
		});
		handle(req, res, record).catch((error) => {
			if (error instanceof StalledLink) return;
			if (!res.headersSent) sendJson(res, 500, { error: String(error), data: null });
			else res.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	origin = `http://127.0.0.1:${address.port}`;

	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		clearTimeout(lifetime);
		webhookService.stopRetries();
		for (const socket of sockets) socket.destroy();
		await new Promise((resolve) => server.close(() => resolve(undefined)));
	};
	// A stand-in never outlives its purpose: it stops by itself after lifetimeMs (if set).
	const lifetime = options.lifetimeMs
		? setTimeout(() => void close(), options.lifetimeMs)
		: undefined;
	lifetime?.unref();

	const api = {
		url: origin,
		port: address.port,
		apiKey,
		username,
		/** The seeded account as the API presents it (URLs absolute). */
		get assets() {
			return account.assets.map(present);
		},
		get folders() {
			return account.folders.slice();
		},
		/** The videos as the API presents them now (fresh file URLs), newest first. */
		get videos() {
			return videoService.videos;
		},
		...videoService.api,
		...webhookService.api,
		/** The webhook endpoints as HeyGen holds them, secrets included (a test signs with them). */
		get webhookEndpoints() {
			return webhookService.endpoints();
		},
		requests,
		behaviour,
		fileStats,
		apiStats,
		sink,
		uploads,
		deleted,
		busyChanges,
		/** Now on the server's own clock, Unix seconds (see clockOffsetSeconds). */
		clockSeconds() {
			return Math.floor(clockNow() / 1000);
		},
		/** Milliseconds since the server started, on the clock of `at` and `abortedAt`. */
		now() {
			return Date.now() - startedAt;
		},
		/** Requests to one path, in order. @param {string} path */
		requestsTo(path) {
			return requests.filter((r) => r.path === path);
		},
		/** @param {Fault} fault */
		addFault(fault) {
			const seen = fault.path ? (countByPath.get(fault.path) ?? 0) : 0;
			faults.push({ ...fault, from: fault.at ?? seen + 1, left: fault.times ?? 1 });
		},
		/** @param {Partial<Behaviour>} changes */
		set(changes) {
			Object.assign(behaviour, changes);
		},
		/**
		 * Adds a new asset at the top of the library (newest first), as an upload would.
		 * @param {{ file_type?: FileType, folder_id?: string, created_ts?: number, name?: string }} [fields]
		 */
		addAsset(fields = {}) {
			const newest = account.assets[0]?.created_ts ?? 1_795_000_000;
			const id =
				`new${String(account.assets.length).padStart(6, '0')}${Math.random().toString(16).slice(2, 12).padEnd(10, '0')}`
					.slice(0, 32)
					.padEnd(32, '0');
			const type = fields.file_type ?? 'image';
			/** @type {Asset} */
			const asset = {
				id,
				name: fields.name ?? `upload-${id.slice(-6)}.${EXTENSIONS[type][0]}`,
				file_type: type,
				folder_id: fields.folder_id ?? '',
				created_ts: fields.created_ts ?? newest + 60,
				url: `/files/${type}/${id}/original.${EXTENSIONS[type][0]}`,
			};
			account.assets.unshift(asset);
			account.assets.sort(newestFirst);
			return present(asset);
		},
		/** Resolves once no request is open (a test that stopped its own requests waits for them to settle). */
		async idle(timeoutMs = 3000) {
			const until = Date.now() + timeoutMs;
			await new Promise((resolve) => setTimeout(resolve, 50));
			while (open > 0 && Date.now() < until)
				await new Promise((resolve) => setTimeout(resolve, 10));
		},
		/**
		 * Calls `hook` after each answer has been sent (until reset): a test changes the library
		 * between two pages with it.
		 * @param {(record: RecordedRequest) => void} hook
		 */
		afterRequest(hook) {
			afterHooks.push(hook);
		},
		/** Deletes an asset, as DELETE /v3/assets/{id} does. @param {string} id */
		removeAsset(id) {
			const before = account.assets.length;
			account.assets = account.assets.filter((asset) => asset.id !== id);
			return account.assets.length < before;
		},
		/**
		 * Adds a folder (inside another when parent_id is given).
		 * @param {{ name: string, parent_id?: string | null }} fields
		 */
		addFolder(fields) {
			/** @type {Folder} */
			const folder = {
				id: crypto.randomBytes(16).toString('hex'),
				name: fields.name,
				parent_id: fields.parent_id ?? null,
				project_type: 'asset',
				created_ts: Math.floor(Date.now() / 1000),
				is_trash: false,
			};
			account.folders.push(folder);
			return folder;
		},
		/** Deletes a folder: GET /v3/folders/{id} answers 404 for it. @param {string} id */
		removeFolder(id) {
			const before = account.folders.length;
			account.folders = account.folders.filter((folder) => folder.id !== id);
			return account.folders.length < before;
		},
		/**
		 * HeyGen's v1 sunset: every /v1/* endpoint answers 410 while `retired` (until reset).
		 * @param {boolean} [retired]
		 */
		retireV1(retired = true) {
			v1Retired = retired;
		},
		get v1Retired() {
			return v1Retired;
		},
		/**
		 * Serve /v3/folders/{id} or not (an unknown route, as in HeyGen's published spec), until reset.
		 * @param {boolean} [served]
		 */
		serveV3Folders(served = true) {
			v3Folders = served;
		},
		get v3Folders() {
			return v3Folders;
		},
		/** @param {Parameters<typeof seedAccount>[0]} seedOptions */
		reseed(seedOptions) {
			account = seedAccount(seedOptions);
			videoService.load(account.videos);
		},
		/** Forgets faults, recorded requests and behaviour changes. */
		reset() {
			v1Retired = v1RetiredAtStart;
			v3Folders = v3FoldersAtStart;
			faults = [];
			afterHooks = [];
			requests.length = 0;
			uploads.length = 0;
			deleted.length = 0;
			idempotent.clear();
			processing.clear();
			countByPath.clear();
			fileStats.maxInFlight = fileStats.inFlight;
			apiStats.maxInFlight = apiStats.inFlight;
			apiStats.rateLimited = 0;
			Object.assign(behaviour, initialBehaviour());
			busyPages = 0;
			inProgress.clear();
			busyChanges.added.length = 0;
			busyChanges.removed.length = 0;
			videoService.reset();
			webhookService.reset();
		},
		close,
	};
	return api;
}

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string>} */
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
		if (!match) throw new Error(`Unknown argument ${argv[i]}`);
		args[match[1]] =
			match[2] ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
	}
	return args;
}

if (require.main === module) {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log(
			'Usage: node test/stand-in/heygen-stand-in.js [--port N] [--api-key KEY] [--assets N] [--videos N] [--folders N] [--seed N] [--latency MS] [--latency-jitter MS] [--file-size BYTES] [--end-token null|empty|absent] [--total-as-string] [--busy-every N] [--max-in-flight K] [--lifetime-seconds N] [--retire-v1] [--without-v3-folders]',
		);
		process.exit(0);
	}
	startStandIn({
		port: args.port ? Number(args.port) : 0,
		apiKey: args['api-key'] ?? process.env.HEYGEN_STAND_IN_API_KEY,
		assets: args.assets ? Number(args.assets) : 900,
		videos: args.videos ? Number(args.videos) : 40,
		folders: args.folders ? Number(args.folders) : 6,
		seed: args.seed ? Number(args.seed) : 42,
		latencyMs: args.latency ? Number(args.latency) : 0,
		latencyJitterMs: args['latency-jitter'] ? Number(args['latency-jitter']) : 0,
		fileSizeBytes: args['file-size'] ? Number(args['file-size']) : undefined,
		endToken: /** @type {Behaviour['endToken']} */ (args['end-token'] ?? 'null'),
		totalAsString: args['total-as-string'] === 'true',
		busy: args['busy-every'] ? { addEvery: Number(args['busy-every']) } : undefined,
		maxInFlight: args['max-in-flight'] ? Number(args['max-in-flight']) : undefined,
		lifetimeMs: args['lifetime-seconds'] ? Number(args['lifetime-seconds']) * 1000 : undefined,
		retireV1: args['retire-v1'] === 'true' || undefined,
		withoutV3Folders: args['without-v3-folders'] === 'true' || undefined,
	}).then(
		(standIn) => {
			console.log(
				JSON.stringify({
					url: standIn.url,
					apiKey: standIn.apiKey,
					assets: standIn.assets.length,
					videos: standIn.videos.length,
					folders: standIn.folders.length,
				}),
			);
			const stop = () => void standIn.close().then(() => process.exit(0));
			process.on('SIGINT', stop);
			process.on('SIGTERM', stop);
		},
		(error) => {
			console.error(`stand-in: ${error.message}`);
			process.exit(1);
		},
	);
}

module.exports = {
	startStandIn,
	seedAccount,
	DEFAULT_API_KEY,
	MAX_PAGE_SIZE,
	DEFAULT_PAGE_SIZE,
	MULTIPART_MAX_BYTES,
};
