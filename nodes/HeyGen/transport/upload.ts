import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { createHash, randomBytes } from 'node:crypto';

import { heyGenApiError, heyGenContractError } from './errors';
import {
	inMemoryGraceMs,
	NO_WHOLE_REQUEST_LIMIT,
	type TransferProgress,
	withIdleTimeout,
} from './idle';
import { heyGenApiRequest, requestLabel } from './request';
import { snippet } from './response';
import { sendWithRetries } from './retry';
import { type Readable, releaseBody, reportingProgress, streamLike } from './streams';
import { shownUrl } from './userInfo';

/** HeyGen's limit for a multipart upload (POST /v3/assets); larger files take the direct upload. */
export const MULTIPART_MAX_BYTES = 32_000_000;

/** The endpoint that takes a file in one multipart request. */
export const UPLOAD_ENDPOINT = '/v3/assets';
export const DIRECT_UPLOAD_ENDPOINT = '/v3/assets/direct-uploads';

/**
 * The direct upload's cap where HeyGen's ticket gives no max_bytes: the 200 MB HeyGen's own upload
 * client states (its signed URL enforces it). The ticket's max_bytes, where given, is the authority.
 */
export const DIRECT_UPLOAD_MAX_BYTES = 200_000_000;

/** The file types HeyGen takes, by extension, with the content type sent for each. */
export const UPLOAD_TYPES: Readonly<Record<string, string>> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	pdf: 'application/pdf',
	srt: 'application/x-subrip',
};

/** Other names that files of those types are given. */
const CONTENT_TYPE_ALIASES: Readonly<Record<string, string>> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'audio/mp3': 'audio/mpeg',
	'audio/x-wav': 'audio/wav',
	'audio/wave': 'audio/wav',
	'audio/vnd.wave': 'audio/wav',
	'text/srt': 'application/x-subrip',
	'application/srt': 'application/x-subrip',
};

/** The types HeyGen takes, as a user reads them in an error. */
export const UPLOAD_TYPES_TEXT = 'PNG, JPEG, MP4, WebM, MP3, WAV, PDF and SRT';

/**
 * The content type to upload a file as, from its MIME type or else its extension; undefined when
 * HeyGen does not take the file.
 */
export function uploadContentType(
	fileName: string | undefined,
	mimeType: string | undefined,
): string | undefined {
	const declared = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	const canonical = CONTENT_TYPE_ALIASES[declared] ?? declared;
	if (Object.values(UPLOAD_TYPES).includes(canonical)) return canonical;
	const extension = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '')?.[1].toLowerCase();
	return extension ? UPLOAD_TYPES[extension] : undefined;
}

/** Hex digits of a key's hash: 128 bits, so that two files never meet by chance. */
const KEY_HASH_LENGTH = 32;

/**
 * An Idempotency-Key from its parts: the same parts give the same key, so a retried request can
 * never create a second asset. Hex only, well inside HeyGen's 1–255 of [A-Za-z0-9_:.-].
 */
export function idempotencyKey(parts: ReadonlyArray<string | number>): string {
	return createHash('sha256')
		.update(parts.map(String).join('\u0000'))
		.digest('hex')
		.slice(0, KEY_HASH_LENGTH);
}

/** The requests of an upload that carry a key, each its own (HeyGen may scope keys per account). */
export type KeyedRequest = 'upload' | 'create' | 'complete';

/**
 * The key of one request of one file's upload: where the file is in the run (execution, node, run,
 * item, field) and what it is (its SHA-256, name and size). A retry of the same file reuses it; two
 * different files — the same name and size in a loop, say — never share one.
 */
export function uploadKey(file: UploadFile, sha256: string, request: KeyedRequest): string {
	return `${request}:${idempotencyKey([...file.position, sha256, file.fileName, file.size])}`;
}

/** A file to upload: what HeyGen is told about it, and a way to read it (anew for each attempt). */
export interface UploadFile {
	fileName: string;
	contentType: string;
	size: number;
	open: () => Promise<Readable | Buffer>;
	/** Where the file is in the run (execution, node, run, item, field): part of its keys. */
	position: ReadonlyArray<string | number>;
	/** The error for a read of the file that fails part-way (n8n's binary data store, say). */
	readError?: (error: unknown) => Error;
}

/** The created asset, as the node outputs it. */
export interface UploadedAsset extends IDataObject {
	id: string;
	name: string;
	url: string | null;
	mime_type: string;
	size_bytes: number;
}

function sizeError(file: UploadFile, sent: number) {
	return new Error(
		`The file "${file.fileName}" has ${sent > file.size ? 'more' : 'fewer'} bytes than its binary data says (${file.size})`,
	);
}

/**
 * A failed read of the file while a request sends it. n8n's request helper reports it as the
 * request's failure (a network error, to the retry loop); kept here, it is the error thrown instead.
 */
interface FileReads {
	failure?: Error;
}

/** Runs a request that sends the file; a failed read of the file is its error, not the network's. */
async function sendingFile<T>(send: (reads: FileReads) => Promise<T>): Promise<T> {
	const reads: FileReads = {};
	try {
		return await send(reads);
	} catch (error) {
		throw reads.failure ?? error;
	}
}

/** Yields a file's chunks and checks that it has exactly the size announced for it. */
async function* exactly(
	file: UploadFile,
	source: Readable | Buffer,
	reads: FileReads = {},
): AsyncGenerator<Buffer> {
	let sent = 0;
	try {
		for await (const chunk of Buffer.isBuffer(source) ? [source] : source) {
			const bytes = chunk as Buffer;
			sent += bytes.length;
			if (sent > file.size) break;
			yield bytes;
		}
	} catch (error) {
		// Named as the read it is: inside a request it would otherwise read as a network failure.
		reads.failure = file.readError ? file.readError(error) : (error as Error);
		throw reads.failure;
	}
	if (sent !== file.size) throw sizeError(file, sent);
}

/**
 * The file as a request body: the bytes in memory as they are, or a stream that checks its size.
 * `head` and `tail` frame it (multipart). Each chunk the request takes is progress of the transfer.
 */
async function fileBody(
	file: UploadFile,
	reads: FileReads,
	progress: TransferProgress | undefined,
	head = Buffer.alloc(0),
	tail = Buffer.alloc(0),
): Promise<Buffer | Readable> {
	const source = await file.open();
	if (Buffer.isBuffer(source)) {
		if (source.length !== file.size) throw sizeError(file, source.length);
		const body = head.length || tail.length ? Buffer.concat([head, source, tail]) : source;
		progress?.moved(inMemoryGraceMs(body.length));
		return body;
	}
	async function* framed() {
		yield head;
		yield* exactly(file, source, reads);
		yield tail;
	}
	return streamLike(source, progress ? reportingProgress(framed(), progress.moved) : framed());
}

function quoted(value: string): string {
	return value.replace(/[\u0000-\u001f\u007f"\\]/g, '_');
}

/** A multipart/form-data body with the file as its one field, `file`, streamed. */
export function multipartBody(
	file: UploadFile,
	boundary = `----n8nHeyGen${randomBytes(12).toString('hex')}`,
	reads: FileReads = {},
) {
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.fileName)}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: head.length + file.size + tail.length,
		body: async (progress?: TransferProgress) => await fileBody(file, reads, progress, head, tail),
	};
}

function uploadedAsset(
	context: IExecuteFunctions,
	body: IDataObject,
	file: UploadFile,
	label: string,
	itemIndex: number,
	knownId?: string,
): UploadedAsset {
	const data = body.data as IDataObject | null | undefined;
	// complete names the asset its ticket did; an empty answer (204) leaves that one.
	const id = data?.asset_id ?? data?.id ?? (data ? knownId : undefined);
	if (!data || typeof id !== 'string' || id === '') {
		throw heyGenContractError(
			context.getNode(),
			'HeyGen returned an unexpected response',
			`${label} answered without data.asset_id.`,
			200,
			itemIndex,
		);
	}
	return {
		id,
		name: file.fileName,
		url: typeof data.url === 'string' ? data.url : null,
		mime_type: typeof data.mime_type === 'string' ? data.mime_type : file.contentType,
		size_bytes: typeof data.size_bytes === 'number' ? data.size_bytes : file.size,
		...(typeof data.status === 'string' ? { status: data.status } : {}),
	};
}

/** POST /v3/assets: the file in one multipart request (up to MULTIPART_MAX_BYTES). */
async function multipartUpload(
	this: IExecuteFunctions,
	file: UploadFile,
	sha256: string,
	itemIndex: number,
): Promise<UploadedAsset> {
	return await sendingFile(async (reads) => {
		const multipart = multipartBody(file, undefined, reads);
		const request = {
			method: 'POST' as const,
			endpoint: UPLOAD_ENDPOINT,
			headers: {
				'content-type': multipart.contentType,
				'content-length': String(multipart.length),
				'idempotency-key': uploadKey(file, sha256, 'upload'),
			},
			body: multipart.body,
			transfer: true,
			itemIndex,
		};
		const body = await heyGenApiRequest.call(this, request);
		return uploadedAsset(this, body, file, requestLabel(request), itemIndex);
	});
}

/** The SHA-256 of a file, read as a stream, for the storage host to check the upload against. */
async function sha256Of(file: UploadFile): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of exactly(file, await file.open())) hash.update(chunk);
	return hash.digest('hex');
}

interface DirectUploadTicket {
	assetId: string;
	uploadUrl: string;
	uploadHeaders: Record<string, string>;
	maxBytes?: number;
}

function readTicket(
	context: IExecuteFunctions,
	body: IDataObject,
	itemIndex: number,
): DirectUploadTicket {
	const data = (body.data ?? {}) as IDataObject;
	const headers = data.upload_headers ?? {};
	const valid =
		typeof data.asset_id === 'string' &&
		typeof data.upload_url === 'string' &&
		/^https?:\/\//i.test(data.upload_url) &&
		typeof headers === 'object' &&
		!Array.isArray(headers);
	if (!valid) {
		throw heyGenContractError(
			context.getNode(),
			'HeyGen returned an unexpected response',
			`POST ${DIRECT_UPLOAD_ENDPOINT} answered without an asset_id and an http(s) upload_url.`,
			200,
			itemIndex,
		);
	}
	// Lower-cased, so that a Content-Type among them replaces the node's own instead of doubling it.
	const uploadHeaders = Object.fromEntries(
		Object.entries(headers as IDataObject).map(([key, value]) => [
			key.toLowerCase(),
			String(value),
		]),
	);
	return {
		assetId: data.asset_id as string,
		uploadUrl: data.upload_url as string,
		uploadHeaders,
		maxBytes: typeof data.max_bytes === 'number' ? data.max_bytes : undefined,
	};
}

function storageError(
	context: IExecuteFunctions,
	message: string,
	description: string,
	itemIndex: number,
	status?: number,
) {
	return heyGenApiError(context.getNode(), message, description, { status, itemIndex });
}

/** How much of a storage host's refusal (XML, usually) a message quotes. */
const STORAGE_ANSWER_LENGTH = 200;

/** Headers no storage PUT carries, whatever upload_headers holds: the API key stays with the API. */
const NEVER_TO_STORAGE = new Set(['x-api-key', 'authorization', 'cookie']);

/**
 * The storage PUT's headers as HeyGen's own client sends them: Content-Type is the declared type (the
 * URL is signed for it, and upload_headers may be {}), then upload_headers on top; never the API key.
 */
export function storageHeaders(
	ticket: Pick<DirectUploadTicket, 'uploadHeaders'>,
	file: Pick<UploadFile, 'contentType' | 'size'>,
): Record<string, string> {
	const signed = Object.entries(ticket.uploadHeaders).filter(
		([name]) => !NEVER_TO_STORAGE.has(name),
	);
	return {
		'content-type': file.contentType,
		...Object.fromEntries(signed),
		'content-length': String(file.size),
	};
}

/** PUT the file to the presigned storage URL: no API key goes there, only HeyGen's upload headers. */
async function putToStorage(
	this: IExecuteFunctions,
	ticket: DirectUploadTicket,
	file: UploadFile,
	reads: FileReads,
	itemIndex: number,
) {
	const where = shownUrl(ticket.uploadUrl);
	const attempt = async ({ signal, moved }: TransferProgress) => {
		const body = await fileBody(file, reads, { signal, moved });
		try {
			return (await this.helpers.httpRequest({
				method: 'PUT',
				url: ticket.uploadUrl,
				headers: storageHeaders(ticket, file),
				body,
				encoding: 'text',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: NO_WHOLE_REQUEST_LIMIT,
				disableFollowRedirect: true,
				abortSignal: signal,
			})) as IN8nHttpFullResponse;
		} finally {
			releaseBody(body);
		}
	};
	const send = async (signal: AbortSignal) => await withIdleTimeout(signal, attempt);
	const { response, earlier } = await sendWithRetries(
		this,
		{
			label: `uploading "${file.fileName}" to HeyGen's storage`,
			target: `PUT ${where}`,
			itemIndex,
		},
		send,
		(description) =>
			storageError(
				this,
				`Could not upload "${file.fileName}" to HeyGen's storage`,
				description,
				itemIndex,
			),
	);
	const status = response.statusCode;
	if (status < 200 || status >= 300)
		throw storageRefusal(this, file, `PUT ${where}`, { response, earlier }, itemIndex);
}

/** The error for a storage host's refusal of the PUT, quoting its answer (XML, usually). */
function storageRefusal(
	context: IExecuteFunctions,
	file: UploadFile,
	request: string,
	{ response, earlier }: { response: IN8nHttpFullResponse; earlier: string[] },
	itemIndex: number,
) {
	const status = response.statusCode;
	const answer =
		typeof response.body === 'string' ? snippet(response.body, STORAGE_ANSWER_LENGTH) : '';
	return storageError(
		context,
		`HeyGen's storage refused the upload of "${file.fileName}" (${status})`,
		`${request} answered ${status}${answer ? `: "${answer}"` : ''}.${
			status === 403 ? ' The upload URL may have expired: run the node again for a new one.' : ''
		}${earlier.length ? ` Earlier attempts got: ${earlier.join(', ')}.` : ''}`,
		itemIndex,
		status,
	);
}

/** HeyGen's direct upload, for files above MULTIPART_MAX_BYTES: create, PUT to storage, complete. */
async function directUpload(
	this: IExecuteFunctions,
	file: UploadFile,
	checksum: string,
	itemIndex: number,
): Promise<UploadedAsset> {
	const json = (value: IDataObject) => () => JSON.stringify(value);
	const jsonHeaders = (request: KeyedRequest) => ({
		'content-type': 'application/json',
		'idempotency-key': uploadKey(file, checksum, request),
	});
	const created = await heyGenApiRequest.call(this, {
		method: 'POST',
		endpoint: DIRECT_UPLOAD_ENDPOINT,
		headers: jsonHeaders('create'),
		body: json({
			filename: file.fileName,
			content_type: file.contentType,
			size_bytes: file.size,
			checksum_sha256: checksum,
		}),
		itemIndex,
	});
	const ticket = readTicket(this, created, itemIndex);
	const limit = ticket.maxBytes ?? DIRECT_UPLOAD_MAX_BYTES;
	if (file.size > limit) {
		throw storageError(
			this,
			`"${file.fileName}" is larger than HeyGen's direct upload takes (${limit} bytes)`,
			`The file has ${file.size} bytes. Nothing was uploaded.`,
			itemIndex,
			413,
		);
	}
	await sendingFile(async (reads) => await putToStorage.call(this, ticket, file, reads, itemIndex));
	const request = {
		method: 'POST' as const,
		endpoint: `/v3/assets/${encodeURIComponent(ticket.assetId)}/complete`,
		headers: jsonHeaders('complete'),
		// Right after the PUT the storage may not show the object yet (HeyGen's client retries too).
		conflicts: ['notFoundYet', 'inProgress'] as const,
		body: json({ checksum_sha256: checksum }),
		itemIndex,
	};
	const completed = await heyGenApiRequest.call(this, request);
	return uploadedAsset(this, completed, file, requestLabel(request), itemIndex, ticket.assetId);
}

/**
 * Uploads one file as a new HeyGen asset, in one request or, when it is large, HeyGen's direct
 * upload. The file is read once first for its SHA-256 (streamed): its keys and the checksum.
 */
export async function uploadAsset(
	this: IExecuteFunctions,
	file: UploadFile,
	itemIndex: number,
): Promise<UploadedAsset> {
	const sha256 = await sha256Of(file);
	return file.size <= MULTIPART_MAX_BYTES
		? await multipartUpload.call(this, file, sha256, itemIndex)
		: await directUpload.call(this, file, sha256, itemIndex);
}
