import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadAsset, mapWithConcurrency } from '../../helpers/download';
import { asNodeError } from '../../transport/errors';
import { checkApiVersion, checkFilters, type ListingOptions, listAssets } from './listing';


const showFor = { resource: ['asset'], operation: ['getAll'] };

/** The Filters collection, shared with the HeyGen Trigger. */
export const filtersProperty: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
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
		{
			displayName: 'Folder',
			name: 'folderId',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			description: 'Only assets in this HeyGen folder',
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
		},
	],
};

/** API Version and Owner Username, shared with the HeyGen Trigger. */
export const apiVersionProperties: INodeProperties[] = [
	{
		displayName: 'API Version',
		name: 'apiVersion',
		type: 'options',
		default: 'v1',
		description:
			'Which HeyGen endpoint lists the assets. HeyGen is retiring v1 (announced for October 2026); v3 is in beta.',
		options: [
			{ name: 'V1 — List Assets', value: 'v1', description: 'GET /v1/asset/list' },
			{ name: 'V3 — Assets (Beta)', value: 'v3', description: 'GET /v3/assets' },
		],
	},
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

const withShowFor = (property: INodeProperties): INodeProperties => ({
	...property,
	displayOptions: { show: { ...showFor, ...(property.displayOptions?.show ?? {}) } },
});

export const description: INodeProperties[] = [
	...apiVersionProperties.map(withShowFor),
	withShowFor({
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	}),
	withShowFor({
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		// No maxValue on purpose: above 100 the node pages through HeyGen's results until it has Limit assets.
		typeOptions: { minValue: 1, numberPrecision: 0 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	}),
	withShowFor(filtersProperty),
	withShowFor({
		displayName: 'Download Files',
		name: 'download',
		type: 'boolean',
		default: false,
		description: "Whether to download each asset's file into the item's binary data, for storage or messaging nodes",
	}),
	withShowFor({
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { download: [true] } },
	}),
	withShowFor({
		displayName: 'Parallel Downloads',
		name: 'downloadConcurrency',
		type: 'number',
		default: 4,
		typeOptions: { minValue: 1, maxValue: 16, numberPrecision: 0 },
		description: 'How many files to download at once',
		displayOptions: { show: { download: [true] } },
	}),
];

export interface GetAllQuery extends ListingOptions {
	returnAll: boolean;
	/** Assets wanted when returnAll is false. */
	limit: number;
	download?: { binaryPropertyName: string; concurrency: number };
}

/** Reads and checks this operation's parameters for one input item. */
export function readQuery(this: IExecuteFunctions, itemIndex: number): GetAllQuery {
	const node = this.getNode();
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false);
	if (typeof returnAll !== 'boolean') {
		throw new NodeOperationError(node, 'Return All must be true or false', { itemIndex });
	}
	let limit = 0;
	if (!returnAll) {
		const raw = this.getNodeParameter('limit', itemIndex, 50) as unknown;
		const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
			throw new NodeOperationError(node, `Limit must be a whole number of at least 1, not ${JSON.stringify(raw)}`, {
				itemIndex,
				description: 'Set Limit to how many assets to return, or turn on Return All.',
			});
		}
		limit = value;
	}
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const folderId =
		filters.folderId === undefined ? undefined : this.getNodeParameter('filters.folderId', itemIndex, '', { extractValue: true });
	const apiVersion = checkApiVersion(node, this.getNodeParameter('apiVersion', itemIndex, 'v1'), itemIndex);
	const query: GetAllQuery = {
		returnAll,
		limit,
		apiVersion,
		...checkFilters(node, filters.fileType, folderId, itemIndex),
	};
	if (apiVersion === 'v3') query.ownerUsername = String(this.getNodeParameter('ownerUsername', itemIndex, '') ?? '');
	if (this.getNodeParameter('download', itemIndex, false) === true) {
		const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
		if (binaryPropertyName === '') {
			throw new NodeOperationError(node, 'Put Output File in Field must name a binary field, e.g. "data"', { itemIndex });
		}
		const concurrency = this.getNodeParameter('downloadConcurrency', itemIndex, 4) as unknown;
		if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
			throw new NodeOperationError(node, `Parallel Downloads must be a whole number from 1 to 16, not ${JSON.stringify(concurrency)}`, {
				itemIndex,
			});
		}
		query.download = { binaryPropertyName, concurrency };
	}
	return query;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const query = readQuery.call(this, itemIndex);
	const assets = await listAssets.call(this, query, { limit: query.returnAll ? undefined : query.limit }, itemIndex);
	const { download } = query;
	if (!download) return assets.map((asset) => ({ json: asset, pairedItem: { item: itemIndex } }));
	const continueOnFail = this.continueOnFail();
	return await mapWithConcurrency(assets, download.concurrency, async (asset) => {
		try {
			return await downloadAsset.call(this, asset, download.binaryPropertyName, itemIndex);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this.getNode(), error, itemIndex);
			// That asset's error: the others still come through with their files.
			return { json: { ...asset, error: (error as Error).message }, pairedItem: { item: itemIndex } };
		}
	});
}
