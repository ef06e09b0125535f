import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { heyGenContractError } from './errors';
import { MAX_PAGE_SIZE, type Page, type PageWalk, sameIds, walkPages } from './paging';
import { heyGenApiRequest, type HeyGenContext, oncePerRun, requestLabel } from './request';

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

/**
 * A list of several pages is read again, whole, when it changed while it was read (at most this many
 * reads): with offset-like page tokens, an asset added or deleted in front of the reader moves the
 * others across a page boundary.
 */
export const MAX_READS = 3;

const assetId = (asset: IDataObject) => String(asset.id);

/** The v3 username from /v3/users/me, asked once per node run, not once per item or page. */
const usernameByRun = new WeakMap<object, Promise<string>>();

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

/** The owner whose assets v3 lists: the one given, or the API key's own user. */
export async function ownerUsername(
	this: HeyGenContext,
	given: string | undefined,
	itemIndex?: number,
) {
	const trimmed = given?.trim();
	if (trimmed) return trimmed;
	return await oncePerRun(usernameByRun, this, async () => {
		const body = await heyGenApiRequest.call(this, { endpoint: '/v3/users/me', itemIndex });
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

function isEnd(token: unknown) {
	return token === null || token === undefined || token === '';
}

function unexpected(
	context: HeyGenContext,
	message: string,
	description: string,
	itemIndex?: number,
) {
	return heyGenContractError(context.getNode(), message, description, 200, itemIndex);
}

/** One page of v1 List Assets. */
async function v1AssetPage(
	this: HeyGenContext,
	qs: IDataObject,
	keptSoFar: number,
	itemIndex?: number,
): Promise<Page<IDataObject>> {
	const endpoint = ENDPOINTS.v1;
	const body = await heyGenApiRequest.call(this, { endpoint, qs, itemIndex });
	const data = body.data as IDataObject | null | undefined;
	if (data === null || typeof data !== 'object' || !Array.isArray(data.assets)) {
		throw unexpected(
			this,
			'HeyGen returned an unexpected response',
			`GET ${endpoint} answered without data.assets; ${keptSoFar} assets had been read before it.`,
			itemIndex,
		);
	}
	if (!isEnd(data.token) && typeof data.token !== 'string') {
		throw unexpected(
			this,
			'HeyGen returned an unexpected page token',
			`GET ${endpoint} answered with a token of type ${typeof data.token}.`,
			itemIndex,
		);
	}
	const total = Number(data.total);
	return {
		items: data.assets as IDataObject[],
		next: isEnd(data.token) ? undefined : (data.token as string),
		total:
			data.total === undefined || data.total === null || Number.isNaN(total) ? undefined : total,
	};
}

/** One page of v3 /v3/assets, in the node's output shape. */
export async function v3AssetPage(
	this: HeyGenContext,
	qs: IDataObject,
	keptSoFar: number,
	itemIndex?: number,
): Promise<Page<IDataObject>> {
	const endpoint = ENDPOINTS.v3;
	const body = await heyGenApiRequest.call(this, { endpoint, qs, itemIndex });
	if (!Array.isArray(body.data)) {
		throw unexpected(
			this,
			'HeyGen returned an unexpected response',
			`GET ${endpoint} answered without a data list; ${keptSoFar} assets had been read before it.`,
			itemIndex,
		);
	}
	const end = v3NextToken(body.has_more, body.next_token);
	if ('problem' in end) {
		throw unexpected(
			this,
			'HeyGen returned an unexpected page token',
			`GET ${endpoint} answered ${end.problem}; ${keptSoFar} assets had been read. None are returned, to avoid an incomplete list.`,
			itemIndex,
		);
	}
	return { items: (body.data as IDataObject[]).map(v3AssetToV1), next: end.next };
}

/**
 * The next page's token from v3's `has_more` and `next_token`, or what is wrong with them: the two
 * must agree (more pages and a token, or no more and no token), and `has_more` must be a boolean.
 */
export function v3NextToken(
	hasMore: unknown,
	nextToken: unknown,
): { next?: string } | { problem: string } {
	if (typeof hasMore !== 'boolean') {
		return {
			problem: `has_more as ${hasMore === undefined ? 'nothing' : JSON.stringify(hasMore)}, not true or false`,
		};
	}
	if (hasMore) {
		if (typeof nextToken === 'string' && nextToken !== '') return { next: nextToken };
		return { problem: 'has_more true without a next_token' };
	}
	if (isEnd(nextToken)) return {};
	return { problem: 'has_more false with a next_token' };
}

/** The error for a page walk that would never end. */
export function endlessPagesError(
	context: HeyGenContext,
	endpoint: string,
	what: string,
	itemIndex?: number,
) {
	return (reason: 'repeatedToken' | 'emptyPages', keptSoFar: number) =>
		reason === 'repeatedToken'
			? unexpected(
					context,
					'HeyGen returned the same page token again',
					`GET ${endpoint} sent back a page token it had already sent, so the pages would repeat forever. ${keptSoFar} ${what} had been read; none are returned, to avoid an incomplete list.`,
					itemIndex,
				)
			: unexpected(
					context,
					'HeyGen kept returning empty pages',
					`GET ${endpoint} answered empty pages again and again, each with a new token.`,
					itemIndex,
				);
}

/**
 * Lists assets page by page with HeyGen's v1 List Assets or v3 /v3/assets, in HeyGen's order, each
 * asset once. With `confirm`, a list of several pages is checked when it is complete: v1's `total`
 * must be the same on every page; on v3, which has none, the first page is read again (one more
 * request) and must be the same. Else the whole list is read again.
 * The file type is a query parameter on v1 and a filter in the node on v3 (which has none).
 */
export async function listAssets(
	this: HeyGenContext,
	options: ListingOptions,
	walk: Pick<PageWalk<IDataObject>, 'limit' | 'keepGoing'> & { confirm?: boolean },
	itemIndex?: number,
): Promise<IDataObject[]> {
	const { apiVersion, fileType, folderId } = options;
	const username =
		apiVersion === 'v3'
			? await ownerUsername.call(this, options.ownerUsername, itemIndex)
			: undefined;
	const fetchPage = async (token: string | undefined, size: number, keptSoFar: number) => {
		const qs: IDataObject = { limit: size };
		if (token !== undefined) qs.token = token;
		if (folderId) qs.folder_id = folderId;
		if (apiVersion === 'v1') {
			if (fileType) qs.file_type = fileType;
			return await v1AssetPage.call(this, qs, keptSoFar, itemIndex);
		}
		qs.username = username;
		return await v3AssetPage.call(this, qs, keptSoFar, itemIndex);
	};
	const keep =
		apiVersion === 'v3' && fileType
			? (asset: IDataObject) => asset.file_type === fileType
			: undefined;
	const fail = endlessPagesError(this, ENDPOINTS[apiVersion], 'assets', itemIndex);
	for (let read = 1; ; read++) {
		const walked = await walkPages(fetchPage, { ...walk, keep, idOf: assetId }, fail);
		if (walked.duplicates > 0) {
			this.logger.debug(
				`HeyGen sent ${walked.duplicates} assets twice while listing; each is output once`,
				{
					endpoint: ENDPOINTS[apiVersion],
					duplicates: walked.duplicates,
				},
			);
		}
		if (!walk.confirm || walked.pages === 1 || (walked.totals && !walked.totalChanged))
			return walked.items;
		// No total to compare (v3), or it moved: read the first page again to see whether the front moved.
		const again = walked.totals
			? undefined
			: await fetchPage(undefined, walked.firstPage.length || MAX_PAGE_SIZE, 0);
		if (again && sameIds(walked.firstPage, again.items, assetId)) return walked.items;
		if (read === MAX_READS) {
			throw unexpected(
				this,
				'The HeyGen library kept changing while it was being listed',
				`It changed during each of ${MAX_READS} reads (assets were added or deleted), so pages may have shifted under the page token. No assets are returned, to avoid an incomplete list; run the node again.`,
				itemIndex,
			);
		}
		this.logger.debug('The HeyGen library changed while it was listed; listing it again', { read });
	}
}

const assetPath = (assetId: string) => `/v3/assets/${encodeURIComponent(assetId)}`;

/** A 404 for one asset, said as what it means. */
function withNotFound(context: HeyGenContext, assetId: string, itemIndex?: number) {
	return (error: unknown) => {
		if (error instanceof NodeApiError && error.httpCode === '404') {
			const message = `HeyGen has no asset with ID "${assetId}"`;
			throw new NodeApiError(
				context.getNode(),
				{ message, httpCode: '404' },
				{
					message,
					description:
						`${error.description ?? ''} The asset may have been deleted, or the ID belongs to another account.`.trim(),
					httpCode: '404',
					itemIndex,
				},
			);
		}
		throw error;
	};
}

function assetData(
	context: HeyGenContext,
	body: IDataObject,
	label: string,
	itemIndex?: number,
): IDataObject {
	const data = body.data;
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw unexpected(
			context,
			'HeyGen returned an unexpected response',
			`${label} answered without a data object.`,
			itemIndex,
		);
	}
	return data as IDataObject;
}

/** GET /v3/assets/{asset_id}, in the same shape as a listed asset. */
export async function getAsset(
	this: HeyGenContext,
	assetId: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const request = { endpoint: assetPath(assetId), itemIndex };
	const body = await heyGenApiRequest
		.call(this, request)
		.catch(withNotFound(this, assetId, itemIndex));
	return v3AssetToV1(assetData(this, body, requestLabel(request), itemIndex));
}

/** DELETE /v3/assets/{asset_id}: permanent. Resolves with the id HeyGen deleted. */
export async function deleteAsset(
	this: HeyGenContext,
	assetId: string,
	itemIndex?: number,
): Promise<string> {
	const request = { method: 'DELETE' as const, endpoint: assetPath(assetId), itemIndex };
	const body = await heyGenApiRequest
		.call(this, request)
		.catch(withNotFound(this, assetId, itemIndex));
	const id = assetData(this, body, requestLabel(request), itemIndex).id;
	return typeof id === 'string' && id !== '' ? id : assetId;
}
