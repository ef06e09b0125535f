import type { IDataObject } from 'n8n-workflow';

import type { Readable } from '../../transport';

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
