import type {
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from './errors';

/** Timeout for one file download: files can be large, but a stalled host must not hang the run. */
export const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

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

/**
 * A file name for an asset: its HeyGen name made safe for file systems, with an extension from the
 * content type (or else the URL) when the name has none.
 */
export function fileNameFor(asset: IDataObject, mimeType: string | undefined, url: string): string {
	const raw =
		typeof asset.name === 'string' && asset.name.trim() !== ''
			? asset.name
			: String(asset.id ?? 'asset');
	const base =
		raw
			.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
			.trim()
			.slice(0, 200) || 'asset';
	if (/\.[A-Za-z0-9]{2,5}$/.test(base)) return base;
	const extension = (mimeType && EXTENSION_BY_MIME[mimeType]) ?? extensionOfPath(url);
	return extension ? `${base}.${extension}` : base;
}

/** Runs fn over items with at most `limit` at once, results in input order; the first failure wins. */
export async function mapWithConcurrency<T, R>(
	items: T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (failure === undefined && next < items.length) {
			const index = next++;
			try {
				results[index] = await fn(items[index], index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	if (failure) throw failure.error;
	return results;
}

/**
 * Downloads an asset's file (streamed into n8n's binary data) into the item's binary property.
 * The file hosts are not the API: this request carries no credential, so the API key is never sent.
 */
export async function downloadAsset(
	this: IExecuteFunctions,
	asset: IDataObject,
	binaryPropertyName: string,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const node = this.getNode();
	const url = asset.url;
	if (typeof url !== 'string' || url === '') {
		throw new NodeOperationError(node, `Asset ${String(asset.id)} has no download URL`, {
			itemIndex,
			description: 'HeyGen lists this asset without a URL, so there is no file to download.',
		});
	}
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			timeout: DOWNLOAD_TIMEOUT_MS,
			abortSignal: this.getExecutionCancelSignal(),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		type Failure = {
			response?: { status?: number };
			code?: string;
			message?: string;
			httpCode?: string;
			cause?: Failure;
		};
		const failure = (error ?? {}) as Failure;
		const cause = failure.cause ?? failure;
		const status =
			cause.response?.status ??
			failure.response?.status ??
			(failure.httpCode ? Number(failure.httpCode) : undefined);
		const message = `Could not download asset ${String(asset.id)}${status ? ` (HTTP ${status})` : cause.code ? ` (${cause.code})` : ''}`;
		throw new NodeApiError(node, { message } as JsonObject, {
			message,
			description: `GET ${new URL(url).origin}${new URL(url).pathname} failed: ${cause.message ?? 'unknown error'}`,
			httpCode: status ? String(status) : undefined,
			itemIndex,
		});
	}
	const contentType = Object.entries(response.headers ?? {}).find(
		([key]) => key.toLowerCase() === 'content-type',
	)?.[1];
	const mimeType =
		typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : undefined;
	const binary = await this.helpers.prepareBinaryData(
		response.body as Buffer,
		fileNameFor(asset, mimeType, url),
		mimeType,
	);
	return { json: asset, binary: { [binaryPropertyName]: binary }, pairedItem: { item: itemIndex } };
}

/**
 * The assets as output items of one input item, each with its file in `binaryPropertyName` when
 * downloads are on. With On Error → Continue a failed download is that asset's error, and the
 * others still come through with their files.
 */
export async function withFiles(
	this: IExecuteFunctions,
	assets: IDataObject[],
	download: { binaryPropertyName: string; concurrency: number } | undefined,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	if (!download) return assets.map((asset) => ({ json: asset, pairedItem: { item: itemIndex } }));
	const continueOnFail = this.continueOnFail();
	return await mapWithConcurrency(assets, download.concurrency, async (asset) => {
		try {
			return await downloadAsset.call(this, asset, download.binaryPropertyName, itemIndex);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this.getNode(), error, itemIndex);
			return {
				json: { ...asset, error: (error as Error).message },
				pairedItem: { item: itemIndex },
			};
		}
	});
}
