/**
 * Every parameter the HeyGen node and the HeyGen Trigger read, read and checked here: a wrong value
 * (from an expression, or an old workflow) is a NodeOperationError that names the field.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type IPollFunctions,
	NodeOperationError,
} from 'n8n-workflow';

import {
	type ApiVersion,
	type AssetFilters,
	FILE_TYPES,
	type FileType,
	type ListingOptions,
	VIDEO_FILES,
	VIDEO_STATUSES,
	type VideoDownload,
	type VideoFile,
	type VideoFilters,
	type VideoStatus,
} from '../api';
import { REQUESTS_AT_ONCE } from '../execution';
import { DEFAULT_LOOK_BACK_MINUTES } from '../trigger/cursor';
import {
	DEFAULT_API_VERSION,
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_LIMIT,
	MAX_LOOK_BACK_MINUTES,
} from './constants';

/** Reads one parameter, for an input item in the node or for the trigger. */
export interface Parameters {
	node: INode;
	itemIndex?: number;
	get(name: string, fallback: unknown, extractValue?: boolean): unknown;
}

export function itemParameters(context: IExecuteFunctions, itemIndex: number): Parameters {
	return {
		node: context.getNode(),
		itemIndex,
		get: (name, fallback, extractValue) =>
			context.getNodeParameter(
				name,
				itemIndex,
				fallback,
				extractValue ? { extractValue } : undefined,
			),
	};
}

export function pollParameters(context: IPollFunctions): Parameters {
	return {
		node: context.getNode(),
		get: (name, fallback, extractValue) =>
			context.getNodeParameter(name, fallback, extractValue ? { extractValue } : undefined),
	};
}

function fail(parameters: Parameters, message: string, description?: string): never {
	throw new NodeOperationError(parameters.node, message, {
		itemIndex: parameters.itemIndex,
		description,
	});
}

const ID_PATTERN = /^[^\s/?#]+$/;

/** An ID that can stand in a URL path or query: no spaces, slashes, "?" or "#". */
function checkId(parameters: Parameters, value: unknown, what: string): string | undefined {
	const id = value === undefined || value === null ? '' : String(value).trim();
	if (id === '') return undefined;
	if (!ID_PATTERN.test(id)) {
		fail(
			parameters,
			`${what} ID "${id}" is not a HeyGen ${what.toLowerCase()} ID`,
			`${/^[aeiou]/i.test(what) ? 'An' : 'A'} ${what.toLowerCase()} ID has no spaces, slashes, "?" or "#". Pick the ${what.toLowerCase()} from the list, or copy its ID from HeyGen.`,
		);
	}
	return id;
}

export function readApiVersion(parameters: Parameters): ApiVersion {
	const fallback =
		parameters.node.typeVersion >= 2 ? DEFAULT_API_VERSION[2] : DEFAULT_API_VERSION[1];
	const value = parameters.get('apiVersion', fallback);
	if (value === 'v1' || value === 'v3') return value;
	return fail(parameters, `API Version must be v1 or v3, not "${String(value)}"`);
}

function readAssetFilters(parameters: Parameters): AssetFilters {
	const filters = (parameters.get('filters', {}) ?? {}) as IDataObject;
	const result: AssetFilters = {};
	const fileType = filters.fileType;
	if (fileType !== undefined && fileType !== null && fileType !== '') {
		const value = String(fileType).toLowerCase();
		if (!(FILE_TYPES as readonly string[]).includes(value)) {
			fail(parameters, `File Type must be image, audio or video, not "${String(fileType)}"`);
		}
		result.fileType = value as FileType;
	}
	if (filters.folderId !== undefined) {
		const folderId = checkId(parameters, parameters.get('filters.folderId', '', true), 'Folder');
		if (folderId) result.folderId = folderId;
	}
	return result;
}

/** What to list assets with: API version, owner and filters (Get Many and the trigger). */
export function readListingOptions(parameters: Parameters): ListingOptions {
	const apiVersion = readApiVersion(parameters);
	const options: ListingOptions = { apiVersion, ...readAssetFilters(parameters) };
	if (apiVersion === 'v3')
		options.ownerUsername = String(parameters.get('ownerUsername', '') ?? '');
	return options;
}

/** Return All and Limit: how many items a list returns (undefined for all of them). */
export function readLimit(parameters: Parameters): number | undefined {
	const returnAll = parameters.get('returnAll', false);
	if (typeof returnAll !== 'boolean') fail(parameters, 'Return All must be true or false');
	if (returnAll) return undefined;
	const raw = parameters.get('limit', DEFAULT_LIMIT);
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		fail(
			parameters,
			`Limit must be a whole number of at least 1, not ${JSON.stringify(raw)}`,
			'Set Limit to how many items to return, or turn on Return All.',
		);
	}
	return value;
}

/** A binary field's name, from `name` (Put Output File in Field, Input Binary Field). */
export function readBinaryPropertyName(parameters: Parameters, label: string): string {
	const value = String(parameters.get('binaryPropertyName', DEFAULT_BINARY_PROPERTY) ?? '').trim();
	if (value === '')
		fail(parameters, `${label} must name a binary field, e.g. "${DEFAULT_BINARY_PROPERTY}"`);
	return value;
}

export interface DownloadOptions {
	binaryPropertyName: string;
	concurrency: number;
}

/**
 * Options → Requests at Once: items, files and requests in flight at most, as the user set it; undefined
 * when the option is not there (or its expression gives nothing): automatic. n8n stores a value set in
 * a collection even when it equals the field's default, so a number a user chose is always seen here.
 */
export function readRequestsAtOnce(parameters: Parameters): number | undefined {
	const value = parameters.get('options.requestsAtOnce', null);
	if (value === null || value === undefined || value === '') return undefined;
	const { min, max } = REQUESTS_AT_ONCE;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		fail(
			parameters,
			`Requests at Once must be a whole number from ${min} to ${max}, not ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`,
		);
	}
	return value;
}

/** Download File(s): where to put the files and how many at once; undefined when off. */
export function readDownload(parameters: Parameters, many: boolean): DownloadOptions | undefined {
	if (parameters.get('download', false) !== true) return undefined;
	const binaryPropertyName = readBinaryPropertyName(parameters, 'Put Output File in Field');
	const concurrency = many ? (readRequestsAtOnce(parameters) ?? REQUESTS_AT_ONCE.max) : 1;
	return { binaryPropertyName, concurrency };
}

/** The ID an operation acts on, from the resource locator at `name` (required). */
function readRequiredId(parameters: Parameters, name: string, what: string): string {
	const id = checkId(parameters, parameters.get(name, '', true), what);
	if (!id)
		fail(
			parameters,
			`${what} must be set`,
			`Pick the ${what.toLowerCase()} from the list, or give its ID.`,
		);
	return id;
}

/** The asset an operation acts on (required). */
export function readAssetId(parameters: Parameters): string {
	return readRequiredId(parameters, 'assetId', 'Asset');
}

/** The video an operation acts on (required): by ID, or the ID in its HeyGen page URL. */
export function readVideoId(parameters: Parameters): string {
	return readRequiredId(parameters, 'videoId', 'Video');
}

/** Get Many's video filters. */
export function readVideoFilters(parameters: Parameters): VideoFilters {
	const filters = (parameters.get('filters', {}) ?? {}) as IDataObject;
	const result: VideoFilters = {};
	if (filters.folderId !== undefined) {
		const folderId = readFolderId(parameters, 'filters.folderId');
		if (folderId) result.folderId = folderId;
	}
	const title = String(filters.title ?? '').trim();
	if (title) result.title = title;
	const status = filters.status;
	if (status !== undefined && status !== null && status !== '') {
		if (!(VIDEO_STATUSES as readonly unknown[]).includes(status))
			fail(parameters, `Status must be ${VIDEO_STATUSES.join(', ')}, not "${String(status)}"`);
		result.status = status as VideoStatus;
	}
	return result;
}

/** Download, File and the binary field of the video operations (undefined: no download). */
export function readVideoDownload(
	parameters: Parameters,
	many: boolean,
): VideoDownload | undefined {
	const download = readDownload(parameters, many);
	if (!download) return undefined;
	const file = parameters.get('file', 'video');
	if (typeof file !== 'string' || !Object.hasOwn(VIDEO_FILES, file))
		fail(
			parameters,
			`File must be one of ${Object.keys(VIDEO_FILES).join(', ')}, not "${String(file)}"`,
		);
	return { ...download, file: file as VideoFile };
}

/** A folder given by a resource locator at `name`, when set. */
export function readFolderId(parameters: Parameters, name: string): string | undefined {
	return checkId(parameters, parameters.get(name, '', true), 'Folder');
}

/** The folder an operation acts on, from the resource locator at `name` (required). */
export function readRequiredFolderId(parameters: Parameters, name: string): string {
	return readRequiredId(parameters, name, 'Folder');
}

/** The trigger's Look-Back Window, in minutes. */
export function readLookBackMinutes(parameters: Parameters): number {
	const value = parameters.get('lookBackMinutes', DEFAULT_LOOK_BACK_MINUTES);
	if (
		typeof value !== 'number' ||
		!Number.isInteger(value) ||
		value < 0 ||
		value > MAX_LOOK_BACK_MINUTES
	) {
		fail(
			parameters,
			`Look-Back Window must be a whole number of minutes from 0 to ${MAX_LOOK_BACK_MINUTES}, not ${JSON.stringify(value)}`,
		);
	}
	return value;
}
