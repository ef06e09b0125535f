import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { heyGenApiRequest, type HeyGenContext, oncePerRun } from '../../transport';
import { heyGenContractError } from '../../transport/errors';

/** HeyGen's largest page, v1 and v3 alike. */
export const MAX_PAGE_SIZE = 100;

/** Pages in a row that may come back empty while still carrying a token. */
const MAX_EMPTY_PAGES = 5;

export const FILE_TYPES = ['image', 'audio', 'video'] as const;
export type FileType = (typeof FILE_TYPES)[number];
export type ApiVersion = 'v1' | 'v3';

export const ENDPOINTS: Record<ApiVersion, string> = { v1: '/v1/asset/list', v3: '/v3/assets' };

export interface AssetFilters {
	fileType?: FileType;
	folderId?: string;
}

export interface ListingOptions extends AssetFilters {
	apiVersion: ApiVersion;
	/** v3 only: the `owner` of the assets; looked up with GET /v3/users/me when empty. */
	ownerUsername?: string;
}

/** The v3 username from /v3/users/me, asked once per node run, not once per item or page. */
const usernameByRun = new WeakMap<object, Promise<string>>();

/** Checks the filter values a user (or an expression) gave; throws a NodeOperationError naming the field. */
export function checkFilters(node: INode, fileType: unknown, folderId: unknown, itemIndex?: number): AssetFilters {
	const filters: AssetFilters = {};
	if (fileType !== undefined && fileType !== null && fileType !== '') {
		const value = String(fileType).toLowerCase();
		if (!(FILE_TYPES as readonly string[]).includes(value)) {
			throw new NodeOperationError(node, `File Type must be image, audio or video, not "${String(fileType)}"`, {
				itemIndex,
			});
		}
		filters.fileType = value as FileType;
	}
	const folder = folderId === undefined || folderId === null ? '' : String(folderId).trim();
	if (folder !== '') {
		if (!/^[^\s/?#]+$/.test(folder)) {
			throw new NodeOperationError(node, `Folder ID "${folder}" is not a HeyGen folder ID`, {
				itemIndex,
				description:
					'A folder ID has no spaces, slashes, "?" or "#". Pick the folder from the list, or copy its ID from HeyGen.',
			});
		}
		filters.folderId = folder;
	}
	return filters;
}

export function checkApiVersion(node: INode, value: unknown, itemIndex?: number): ApiVersion {
	if (value === 'v1' || value === 'v3') return value;
	throw new NodeOperationError(node, `API Version must be v1 or v3, not "${String(value)}"`, { itemIndex });
}

/**
 * A v3 asset in the v1 shape the node always outputs (id, name, file_type, folder_id with "" at
 * the root, created_ts, url), plus v3's owner and space_id.
 */
export function v3AssetToV1(asset: IDataObject): IDataObject {
	return {
		id: asset.id,
		name: asset.name,
		file_type: asset.type,
		folder_id: asset.folder_id ?? '',
		created_ts: asset.uploaded_at,
		url: asset.url ?? null,
		owner: asset.owner,
		space_id: asset.space_id,
	};
}

async function ownerUsername(this: HeyGenContext, options: ListingOptions, itemIndex?: number) {
	const given = options.ownerUsername?.trim();
	if (given) return given;
	return await oncePerRun(usernameByRun, this, async () => {
		const body = await heyGenApiRequest.call(this, '/v3/users/me', {}, itemIndex);
		const username = (body.data as IDataObject | undefined)?.username;
		if (typeof username !== 'string' || username === '') {
			throw heyGenContractError(
				this.getNode(),
				'HeyGen did not say whose assets to list',
				'GET /v3/users/me answered without data.username. Set Owner Username on the node.',
				200,
				itemIndex,
			);
		}
		return username;
	});
}

interface Page {
	assets: IDataObject[];
	/** The token of the next page, or undefined at the end. */
	next?: string;
}

function isEnd(token: unknown) {
	return token === null || token === undefined || token === '';
}

export interface PageWalk {
	/** Assets wanted; undefined for all of them. Counted after the file-type filter. */
	limit?: number;
	/** Called after each page with what has been kept so far; false stops the walk. */
	keepGoing?: (kept: IDataObject[], page: IDataObject[]) => boolean;
}

/**
 * Lists assets page by page with HeyGen's v1 List Assets or v3 /v3/assets, in HeyGen's order.
 * Each page is requested once; a token that repeats is an error, not a loop. The file type is a
 * query parameter on v1 and a filter in the node on v3 (which has none).
 */
export async function listAssets(
	this: HeyGenContext,
	options: ListingOptions,
	walk: PageWalk,
	itemIndex?: number,
): Promise<IDataObject[]> {
	const node = this.getNode();
	const endpoint = ENDPOINTS[options.apiVersion];
	const username = options.apiVersion === 'v3' ? await ownerUsername.call(this, options, itemIndex) : undefined;
	const filterInNode = options.apiVersion === 'v3' && options.fileType !== undefined;
	const kept: IDataObject[] = [];
	const seenTokens = new Set<string>();
	let token: string | undefined;
	let emptyPages = 0;

	const fetchPage = async (size: number): Promise<Page> => {
		const qs: IDataObject = { limit: size };
		if (token !== undefined) qs.token = token;
		if (options.folderId) qs.folder_id = options.folderId;
		if (options.apiVersion === 'v1') {
			if (options.fileType) qs.file_type = options.fileType;
			const body = await heyGenApiRequest.call(this, endpoint, qs, itemIndex);
			const data = body.data as IDataObject | null | undefined;
			if (data === null || typeof data !== 'object' || !Array.isArray(data.assets)) {
				throw heyGenContractError(node, 'HeyGen returned an unexpected response', `GET ${endpoint} answered without data.assets; ${kept.length} assets had been read before it.`, 200, itemIndex);
			}
			if (!isEnd(data.token) && typeof data.token !== 'string') {
				throw heyGenContractError(node, 'HeyGen returned an unexpected page token', `GET ${endpoint} answered with a token of type ${typeof data.token}.`, 200, itemIndex);
			}
			return { assets: data.assets as IDataObject[], next: isEnd(data.token) ? undefined : (data.token as string) };
		}
		qs.username = username;
		const body = await heyGenApiRequest.call(this, endpoint, qs, itemIndex);
		if (!Array.isArray(body.data)) {
			throw heyGenContractError(node, 'HeyGen returned an unexpected response', `GET ${endpoint} answered without a data list; ${kept.length} assets had been read before it.`, 200, itemIndex);
		}
		if (body.has_more === true && (isEnd(body.next_token) || typeof body.next_token !== 'string')) {
			throw heyGenContractError(node, 'HeyGen returned an unexpected page token', `GET ${endpoint} said has_more without a next_token.`, 200, itemIndex);
		}
		return {
			assets: (body.data as IDataObject[]).map(v3AssetToV1),
			next: body.has_more === true ? (body.next_token as string) : undefined,
		};
	};

	for (;;) {
		const missing = walk.limit === undefined ? undefined : walk.limit - kept.length;
		const size = missing === undefined || filterInNode ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, missing);
		const page = await fetchPage(size);
		const wanted = filterInNode ? page.assets.filter((asset) => asset.file_type === options.fileType) : page.assets;
		kept.push(...(missing === undefined ? wanted : wanted.slice(0, missing)));

		if (walk.limit !== undefined && kept.length >= walk.limit) break;
		if (page.next === undefined) break;
		if (walk.keepGoing && !walk.keepGoing(kept, page.assets)) break;
		if (seenTokens.has(page.next) || page.next === token) {
			throw heyGenContractError(
				node,
				'HeyGen returned the same page token again',
				`GET ${endpoint} sent back a page token it had already sent, so the pages would repeat forever. ${kept.length} assets had been read; none are returned, to avoid an incomplete list.`,
				200,
				itemIndex,
			);
		}
		emptyPages = page.assets.length === 0 ? emptyPages + 1 : 0;
		if (emptyPages >= MAX_EMPTY_PAGES) {
			throw heyGenContractError(node, 'HeyGen kept returning empty pages', `GET ${endpoint} answered ${MAX_EMPTY_PAGES} empty pages in a row, each with a new token.`, 200, itemIndex);
		}
		seenTokens.add(page.next);
		token = page.next;
	}
	return kept;
}
