import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { heyGenApiError, heyGenContractError, requestLabel, shownUrl } from '../../helpers';
import {
	heyGenApiRequest,
	NO_WHOLE_REQUEST_LIMIT,
	releaseBody,
	sendWithRetries,
	snippet,
	type TransferProgress,
	withIdleTimeout,
} from '../../transport';
import { fileBody, type FileReads, sendingFile, uploadedAsset } from './file';
import { type KeyedRequest, uploadKey } from './keys';
import {
	DIRECT_UPLOAD_ENDPOINT,
	DIRECT_UPLOAD_MAX_BYTES,
	type UploadedAsset,
	type UploadFile,
} from './types';

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
			transfer: true,
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
export async function directUpload(
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
