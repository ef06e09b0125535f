import type { INodeProperties } from 'n8n-workflow';

import { VIDEO_STATUSES } from '../api';
import { REQUESTS_AT_ONCE } from '../execution';
import { DEFAULT_API_VERSION, DEFAULT_BINARY_PROPERTY } from './constants';

/** Shows a property only for these resources and operations (and whatever it shows for already). */
export function showFor(show: { resource?: string[]; operation?: string[] }) {
	return (property: INodeProperties): INodeProperties => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...show, ...(property.displayOptions?.show ?? {}) },
		},
	});
}

const apiVersionOptions = [
	{
		name: 'V1 — List Assets',
		value: 'v1',
		description: 'GET /v1/asset/list (HeyGen is retiring it)',
	},
	{ name: 'V3 — Assets', value: 'v3', description: 'GET /v3/assets (beta at HeyGen)' },
];

const apiVersionFor = (nodeVersions: number[], fallback: 'v1' | 'v3'): INodeProperties => ({
	displayName: 'API Version',
	name: 'apiVersion',
	type: 'options',
	default: fallback,
	description:
		'Which HeyGen endpoint lists the assets. HeyGen is retiring v1 (announced for October 2026); v3 is its successor.',
	options: apiVersionOptions,
	displayOptions: { show: { '@version': nodeVersions } },
});

/**
 * API Version and Owner Username, for listing assets (Get Many and the trigger). Node version 1
 * kept v1 as its default, so that saved workflows keep their meaning; version 2 lists with v3.
 */
export const apiVersionProperties: INodeProperties[] = [
	apiVersionFor([1], DEFAULT_API_VERSION[1]),
	apiVersionFor([2], DEFAULT_API_VERSION[2]),
	{
		displayName: 'Owner Username',
		name: 'ownerUsername',
		type: 'string',
		default: '',
		placeholder: 'e.g. jane_doe',
		description:
			"Whose assets to list (v3 requires it while in beta). Leave empty for the API key's own user, asked once per run from HeyGen.",
		displayOptions: { show: { apiVersion: ['v3'] } },
	},
];

/** A folder, picked from HeyGen's folder list or given by ID. */
export function folderLocator(
	displayName: string,
	name: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a folder...',
				typeOptions: { searchListMethod: 'searchFolders', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 8b1a4e0f2c3d4e5f8a9b0c1d2e3f4a5b',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[^\\s/?#]+$',
							errorMessage: 'A folder ID has no spaces, slashes, "?" or "#"',
						},
					},
				],
			},
		],
	};
}

/** A Filters collection of these options. */
export function filtersCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options,
	};
}

/** The asset filters of Get Many and the trigger. */
export const assetFiltersProperty: INodeProperties = filtersCollection([
	{
		displayName: 'File Type',
		name: 'fileType',
		type: 'options',
		default: 'image',
		description: 'Only assets of this type (on v3, HeyGen has no such filter: the node applies it)',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
	},
	folderLocator('Folder', 'folderId', 'Only assets in this HeyGen folder'),
]);

/** The asset an operation acts on: picked from the account's assets, newest first, or given by ID. */
export const assetIdProperty: INodeProperties = {
	displayName: 'Asset',
	name: 'assetId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The HeyGen asset',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an asset...',
			typeOptions: { searchListMethod: 'searchAssets', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 3b1f6c0e9a8d4f2b8c7e6d5a4b3c2d1e',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[^\\s/?#]+$',
						errorMessage: 'An asset ID has no spaces, slashes, "?" or "#"',
					},
				},
			],
		},
	],
};

/** Return All and Limit, for any list. */
export function returnAllAndLimit(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			// n8n's lint rule wants this literal: it is DEFAULT_LIMIT (a unit test holds them together).
			default: 50,
			// No maxValue on purpose: above a page the node pages through HeyGen's results until it has Limit.
			typeOptions: { minValue: 1, numberPrecision: 0 },
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** Download File(s) and the binary field (how many at once: Options → Requests at Once). */
export function downloadProperties(options: { many: boolean }): INodeProperties[] {
	return [
		{
			displayName: options.many ? 'Download Files' : 'Download File',
			name: 'download',
			type: 'boolean',
			default: false,
			description: options.many
				? "Whether to download each asset's file into the item's binary data, for storage or messaging nodes"
				: "Whether to download the asset's file into the item's binary data, for storage or messaging nodes",
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: DEFAULT_BINARY_PROPERTY,
			required: true,
			hint: 'The name of the output binary field to put the file in',
			displayOptions: { show: { download: [true] } },
		},
	];
}

/** Options → Requests at Once, for every operation. */
export const requestsAtOnceOption: INodeProperties = {
	displayName: 'Requests at Once',
	name: 'requestsAtOnce',
	type: 'number',
	// n8n's lint rule wants a literal: it is REQUESTS_AT_ONCE.default (a unit test holds them together).
	// Only the value shown when the option is added: without the option, the node finds HeyGen's pace.
	default: 10,
	typeOptions: {
		minValue: REQUESTS_AT_ONCE.min,
		maxValue: REQUESTS_AT_ONCE.max,
		numberPrecision: 0,
	},
	description:
		'The most requests the node has in flight, and input items (and files) it works on at once. Without this option the node finds the pace your HeyGen account allows by itself (from 10 up to 50 at once, staying just under where HeyGen answers 429). When HeyGen answers 429 (too many requests), fewer go at once. 1 handles one item after the other.',
};

/** The node's Options for the operations that have no Options of their own (Upload has). */
export const runOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { hide: { operation: ['upload'] } },
	options: [requestsAtOnceOption],
};

/** A HeyGen video id: no spaces, slashes, "?" or "#" (as for assets). */
const VIDEO_ID_REGEX = '[^\\s/?#]+';

/** The video an operation acts on: picked from the account's videos, by ID, or by its HeyGen page URL. */
export const videoIdProperty: INodeProperties = {
	displayName: 'Video',
	name: 'videoId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The HeyGen video',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a video...',
			typeOptions: { searchListMethod: 'searchVideos', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7f3c9b2a1e4d4c8b9a6f5e4d3c2b1a0f',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^${VIDEO_ID_REGEX}$`,
						errorMessage: 'A video ID has no spaces, slashes, "?" or "#"',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://app.heygen.com/videos/7f3c9b2a1e4d4c8b9a6f5e4d3c2b1a0f',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^https?://[^/]+/(?:share/)?videos?/${VIDEO_ID_REGEX}`,
						errorMessage: 'Not a HeyGen video page URL (its video_page_url: …/videos/<id>)',
					},
				},
			],
			extractValue: {
				type: 'regex',
				regex: `^https?://[^/]+/(?:share/)?videos?/(${VIDEO_ID_REGEX})`,
			},
		},
	],
};

/** Get Many's filters: HeyGen's folder and title filters, and a status the node applies. */
export const videoFiltersProperty: INodeProperties = filtersCollection([
	folderLocator('Folder', 'folderId', 'Only videos in this HeyGen folder'),
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'completed',
		description: 'Only videos in this status (HeyGen has no such filter: the node applies it)',
		options: VIDEO_STATUSES.map((status) => ({
			name: status.charAt(0).toUpperCase() + status.slice(1),
			value: status,
		})),
	},
	{
		displayName: 'Title Contains',
		name: 'title',
		type: 'string',
		default: '',
		description: 'Only videos whose title contains this text (HeyGen’s title filter)',
	},
]);

/** Download, which file, and the binary field (how many at once: Options → Requests at Once). */
export function videoDownloadProperties(many: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Download',
			name: 'download',
			type: 'boolean',
			default: false,
			description: many
				? "Whether to download a file of each video into the item's binary data. A video without that file (not finished, no captions) comes out without it and says why in download_skipped."
				: "Whether to download a file of the video into the item's binary data",
		},
		{
			displayName: 'File',
			name: 'file',
			type: 'options',
			default: 'video',
			displayOptions: { show: { download: [true] } },
			options: [
				{ name: 'Captioned Video', value: 'captionedVideo' },
				{ name: 'GIF', value: 'gif' },
				{ name: 'Subtitles (SRT)', value: 'subtitles' },
				{ name: 'Thumbnail', value: 'thumbnail' },
				{ name: 'Video', value: 'video' },
			],
			description:
				"Which of the video's files. HeyGen's links expire; an expired one is asked for afresh.",
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: DEFAULT_BINARY_PROPERTY,
			required: true,
			hint: 'The name of the output binary field to put the file in',
			displayOptions: { show: { download: [true] } },
		},
	];
}
