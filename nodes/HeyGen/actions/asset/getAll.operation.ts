import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { heyGenContractError } from '../../transport/errors';
import { heyGenApiRequest } from '../../transport';

/** HeyGen's largest page for List Assets. */
export const MAX_PAGE_SIZE = 100;

/** Pages in a row that may come back empty while still carrying a token. */
const MAX_EMPTY_PAGES = 5;

export const FILE_TYPES = ['image', 'audio', 'video'] as const;
export type FileType = (typeof FILE_TYPES)[number];

const showFor = { resource: ['asset'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		// No maxValue on purpose: above 100 the node pages through HeyGen's results until it has Limit assets.
		typeOptions: { minValue: 1, numberPrecision: 0 },
		description: 'Max number of results to return',
		displayOptions: { show: { ...showFor, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showFor },
		options: [
			{
				displayName: 'File Type',
				name: 'fileType',
				type: 'options',
				default: 'image',
				description: 'Only assets of this type',
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
						typeOptions: {
							searchListMethod: 'searchFolders',
							searchable: true,
						},
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
	},
];

export interface ListAssetsQuery {
	returnAll: boolean;
	/** Assets wanted when returnAll is false. */
	limit: number;
	fileType?: FileType;
	folderId?: string;
}

/** Reads and checks this operation's parameters for one input item. */
export function readListAssetsQuery(this: IExecuteFunctions, itemIndex: number): ListAssetsQuery {
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
	const query: ListAssetsQuery = { returnAll, limit };

	if (filters.fileType !== undefined && filters.fileType !== '') {
		const fileType = String(filters.fileType).toLowerCase();
		if (!(FILE_TYPES as readonly string[]).includes(fileType)) {
			throw new NodeOperationError(node, `File Type must be image, audio or video, not "${String(filters.fileType)}"`, {
				itemIndex,
			});
		}
		query.fileType = fileType as FileType;
	}

	if (filters.folderId !== undefined) {
		const folderId = String(
			this.getNodeParameter('filters.folderId', itemIndex, '', { extractValue: true }) ?? '',
		).trim();
		if (folderId !== '') {
			if (!/^[^\s/?#]+$/.test(folderId)) {
				throw new NodeOperationError(node, `Folder ID "${folderId}" is not a HeyGen folder ID`, {
					itemIndex,
					description: 'A folder ID has no spaces, slashes, "?" or "#". Pick the folder from the list, or copy its ID from HeyGen.',
				});
			}
			query.folderId = folderId;
		}
	}
	return query;
}

function isEndToken(token: unknown): boolean {
	return token === null || token === undefined || token === '';
}

/**
 * Lists assets with HeyGen's List Assets (GET /v1/asset/list), following `token` from page to page.
 * Every page is requested once; a token that repeats is an error, not a loop.
 */
export async function listAssets(
	this: IExecuteFunctions,
	query: ListAssetsQuery,
	itemIndex: number,
): Promise<IDataObject[]> {
	const endpoint = '/v1/asset/list';
	const node = this.getNode();
	const assets: IDataObject[] = [];
	const seenTokens = new Set<string>();
	let token: string | undefined;
	let emptyPages = 0;

	for (;;) {
		const wanted = query.returnAll ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, query.limit - assets.length);
		const qs: IDataObject = { limit: wanted };
		if (query.fileType) qs.file_type = query.fileType;
		if (query.folderId) qs.folder_id = query.folderId;
		if (token !== undefined) qs.token = token;

		const body = await heyGenApiRequest.call(this, endpoint, qs, itemIndex);
		const data = body.data as IDataObject | null | undefined;
		if (data === null || typeof data !== 'object' || !Array.isArray(data.assets)) {
			throw heyGenContractError(
				node,
				'HeyGen returned an unexpected response',
				`GET ${endpoint} answered without data.assets; ${assets.length} assets had been read before it.`,
				200,
				itemIndex,
			);
		}
		const page = data.assets as IDataObject[];
		assets.push(...(query.returnAll ? page : page.slice(0, query.limit - assets.length)));

		if (!query.returnAll && assets.length >= query.limit) break;
		const next = data.token;
		if (isEndToken(next)) break;
		if (typeof next !== 'string') {
			throw heyGenContractError(
				node,
				'HeyGen returned an unexpected page token',
				`GET ${endpoint} answered with a token of type ${typeof next}.`,
				200,
				itemIndex,
			);
		}
		if (seenTokens.has(next) || next === token) {
			throw heyGenContractError(
				node,
				'HeyGen returned the same page token again',
				`GET ${endpoint} sent back a page token it had already sent, so the pages would repeat forever. ${assets.length} assets had been read; none are returned, to avoid an incomplete list.`,
				200,
				itemIndex,
			);
		}
		emptyPages = page.length === 0 ? emptyPages + 1 : 0;
		if (emptyPages >= MAX_EMPTY_PAGES) {
			throw heyGenContractError(
				node,
				'HeyGen kept returning empty pages',
				`GET ${endpoint} answered ${MAX_EMPTY_PAGES} empty pages in a row, each with a new token.`,
				200,
				itemIndex,
			);
		}
		seenTokens.add(next);
		token = next;
	}
	return assets;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const query = readListAssetsQuery.call(this, itemIndex);
	const assets = await listAssets.call(this, query, itemIndex);
	return assets.map((asset) => ({ json: asset, pairedItem: { item: itemIndex } }));
}
