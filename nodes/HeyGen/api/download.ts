import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { isCancellation, mapWithConcurrency } from '../execution';
import { asNodeError, heyGenApiError, shownUrl } from '../helpers';
import {
	headerValue,
	NO_WHOLE_REQUEST_LIMIT,
	type Readable,
	reportingProgress,
	sendWithRetries,
	streamLike,
	type TransferProgress,
	withIdleTimeout,
} from '../transport';

const EXTENSION_BY_MIME: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/svg+xml': 'svg',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/mp4': 'm4a',
	'audio/ogg': 'ogg',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
};

function extensionOfPath(url: string): string | undefined {
	try {
		const match = /\.([A-Za-z0-9]{2,5})$/.exec(new URL(url).pathname);
		return match?.[1].toLowerCase();
	} catch {
		return undefined;
	}
}

/** Characters no file name should carry: path separators, reserved ones, controls, bidi overrides. */
const UNSAFE_IN_FILE_NAMES =
	/[\\/:*?"<>|\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;
/** Names Windows keeps for devices, whatever the extension. */

const RESERVED_NAMES = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

const MAX_NAME_LENGTH = 200;

/**
 * A file name for an asset: its HeyGen name made safe for any file system (no separators, control
 * or bidi characters, no leading or trailing dots or spaces, not only dots, no device name), with
 * an extension from the content type (or else the URL) when the name has none.
 */
export function fileNameFor(asset: IDataObject, mimeType: string | undefined, url: string): string {
	const fallback = `asset-${String(asset.id ?? 'file').replace(UNSAFE_IN_FILE_NAMES, '_')}`;
	const raw = typeof asset.name === 'string' ? asset.name : '';
	let base = raw
		.replace(UNSAFE_IN_FILE_NAMES, '_')
		.replace(/^[\s.]+|[\s.]+$/g, '')
		.slice(0, MAX_NAME_LENGTH);
	if (base === '' || /^_+$/.test(base)) base = fallback;
	if (RESERVED_NAMES.test(base)) base = `_${base}`;
	if (/\.[A-Za-z0-9]{2,5}$/.test(base)) return base;
	const type = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	const extension = EXTENSION_BY_MIME[type] ?? extensionOfPath(url);
	return extension ? `${base}.${extension}` : base;
}

/** Why an asset came out without its file, in the item (instead of failing the run). */
export const NO_URL_REASON = 'HeyGen lists this asset without a download URL';

/**
 * One attempt at an asset's file: the GET, and on a 2xx its body streamed into n8n's binary data
 * (a connection that drops mid-file fails here, and the whole download is tried again). Each chunk
 * that arrives is progress: only a download where nothing arrives for the idle timeout fails.
 */
async function fetchFile(
	context: IExecuteFunctions,
	asset: IDataObject,
	url: string,
	{ signal, moved }: TransferProgress,
	received: (binary: IBinaryData) => void,
): Promise<IN8nHttpFullResponse> {
	const response = (await context.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: NO_WHOLE_REQUEST_LIMIT,
		abortSignal: signal,
	})) as IN8nHttpFullResponse;
	const body = response.body as Readable;
	if (response.statusCode < 200 || response.statusCode >= 300) {
		body.destroy();
		return response;
	}
	moved();
	const contentType = headerValue(response.headers, 'content-type');
	const mimeType =
		typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : undefined;
	const file = streamLike(body, reportingProgress(body, moved));
	// Not every axios n8n ships ends a body it has already handed over when the signal aborts.
	const stop = () => body.destroy(new Error('the download was stopped'));
	signal.addEventListener('abort', stop, { once: true });
	try {
		received(
			await context.helpers.prepareBinaryData(file, fileNameFor(asset, mimeType, url), mimeType),
		);
	} finally {
		signal.removeEventListener('abort', stop);
	}
	return response;
}

/** What is downloaded: its ID and name (for the file's name and the messages), and where it is. */
export interface FileSource {
	id: string;
	name?: IDataObject[string];
	url: string;
	/** "asset", "video": how the messages name it. */
	what: string;
}

/** A download's end: the file, or the status the file host answered last. */
export interface Fetched {
	binary?: IBinaryData;
	status: number;
	earlier: string[];
}

/**
 * One file streamed into n8n's binary data, retried as API requests are (429, 5xx, dropped
 * connections and timeouts, a connection that drops mid-file too). The file hosts are not the API:
 * no credential goes with it, so no API key either. A status that is not retried (a 403 of an
 * expired link, say) comes back as the answer, for the caller to judge.
 */
export async function fetchFileOf(
	this: IExecuteFunctions,
	source: FileSource,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<Fetched> {
	let binary: IBinaryData | undefined;
	const named: IDataObject = { id: source.id, name: source.name };
	const send = async (stop: AbortSignal) =>
		await withIdleTimeout(
			stop,
			async (progress) =>
				await fetchFile(this, named, source.url, progress, (got) => (binary = got)),
		);
	const { response, earlier } = await sendWithRetries(
		this,
		{
			label: `for the file of ${source.what} ${source.id}`,
			target: `GET ${shownUrl(source.url)}`,
			itemIndex,
			signal,
			transfer: true,
		},
		send,
		(description) => fileError(this, source, '', description, itemIndex),
	);
	return { binary, status: response.statusCode, earlier };
}

/** The error of a download that got no file: what the file host answered, and before. */
export function fileError(
	context: IExecuteFunctions,
	source: Pick<FileSource, 'id' | 'what'>,
	suffix: string,
	description: string,
	itemIndex: number,
	status?: number,
) {
	const message = `Could not download ${source.what} ${source.id}${suffix}`;
	return heyGenApiError(context.getNode(), message, description, { status, itemIndex });
}

/** The error for an answer without the file. */
export function noFileError(
	context: IExecuteFunctions,
	source: FileSource,
	fetched: Fetched,
	itemIndex: number,
) {
	const { status, earlier } = fetched;
	return fileError(
		context,
		source,
		` (HTTP ${status})`,
		`GET ${shownUrl(source.url)} answered ${status}.${earlier.length ? ` Earlier attempts got: ${earlier.join(', ')}.` : ''}`,
		itemIndex,
		status,
	);
}

/**
 * Downloads an asset's file (streamed into n8n's binary data) into the item's binary property (see
 * fetchFileOf). An asset without a URL comes out without a file and says why in `download_skipped`.
 */
export async function downloadAsset(
	this: IExecuteFunctions,
	asset: IDataObject,
	binaryPropertyName: string,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<INodeExecutionData> {
	const url = asset.url;
	if (typeof url !== 'string' || url === '') {
		return { json: { ...asset, download_skipped: NO_URL_REASON }, pairedItem: { item: itemIndex } };
	}
	const source = { id: String(asset.id), name: asset.name, url, what: 'asset' };
	const fetched = await fetchFileOf.call(this, source, itemIndex, signal);
	if (!fetched.binary) throw noFileError(this, source, fetched, itemIndex);
	return {
		json: asset,
		binary: { [binaryPropertyName]: fetched.binary },
		pairedItem: { item: itemIndex },
	};
}

/**
 * The assets as output items of one input item, each with its file in `binaryPropertyName` when
 * downloads are on. With On Error → Continue a failed download is that asset's error, and the
 * others still come through with their files; else the first failure stops the others at once.
 */
export async function withFiles(
	this: IExecuteFunctions,
	assets: IDataObject[],
	download: { binaryPropertyName: string; concurrency: number } | undefined,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	if (!download) return assets.map((asset) => ({ json: asset, pairedItem: { item: itemIndex } }));
	const continueOnFail = this.continueOnFail();
	const stopReason = () => 'another download failed';
	const one = async (asset: IDataObject, _index: number, signal: AbortSignal) => {
		try {
			return await downloadAsset.call(
				this,
				asset,
				download.binaryPropertyName,
				itemIndex,
				continueOnFail ? undefined : signal,
			);
		} catch (error) {
			if (!continueOnFail || isCancellation(error))
				throw asNodeError(this.getNode(), error, itemIndex);
			return {
				json: { ...asset, error: (error as Error).message },
				pairedItem: { item: itemIndex },
			};
		}
	};
	return await mapWithConcurrency(assets, download.concurrency, one, { stopReason });
}
