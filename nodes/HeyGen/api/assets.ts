import { type IDataObject, NodeApiError } from 'n8n-workflow';

import type { HeyGenContext } from '../execution';
import {
	asNodeError,
	earlierAttemptsOf,
	heyGenApiError,
	heyGenContractError,
	isNotFound,
	mayHaveActed,
	type Page,
	type PageWalk,
	requestLabel,
	type Walked,
	walkPages,
} from '../helpers';
import { heyGenApiRequest } from '../transport';
import { ownerUsername } from './users';

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

export const assetId = (asset: IDataObject) => String(asset.id);

/** An asset's upload time in Unix seconds, as the node outputs it (`created_ts`; 0 when HeyGen gives none). */
export function assetTs(asset: IDataObject): number {
	return typeof asset.created_ts === 'number' ? asset.created_ts : Number(asset.created_ts) || 0;
}

/** HeyGen lists newest first: an asset uploaded later than `b` belongs in front of it. */
const listedBefore = (a: IDataObject, b: IDataObject) => assetTs(a) > assetTs(b);

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

function isEnd(token: unknown) {
	return token === null || token === undefined || token === '';
}

export function unexpected(
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
	return {
		items: data.assets as IDataObject[],
		next: isEnd(data.token) ? undefined : (data.token as string),
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

/** What a walk read, and which of HeyGen's lists answered it. */
export interface WalkedAssets extends Walked<IDataObject> {
	listedWith: ApiVersion;
}

/** Where a walk starts: a token from an earlier walk, and the list that gave it. */
export interface AssetWalk extends Pick<PageWalk<IDataObject>, 'limit' | 'keepGoing' | 'from'> {
	/** The list `from` came from (default: the options' API version); another list starts at the front. */
	fromApi?: ApiVersion;
	/** Called when `from` cannot be used (it is the other list's) and the walk starts at the front. */
	onFromDropped?: () => void;
}

/** The statuses with which a list says it is gone (HeyGen's v1 sunset), not merely failing. */
const GONE_STATUSES = ['404', '410'];

/** Whether an error is a v1 endpoint answering that it is gone. */
export function isRetired(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && GONE_STATUSES.includes(String(error.httpCode));
}

/** The node runs in which v1's asset list answered that it is gone: later listings go to v3 at once. */
const v1RetiredInRun = new WeakMap<object, NodeApiError>();

/** The node runs told of it: items listing at once may each meet the 410, the user hears of it once. */
const toldInRun = new WeakSet<object>();

/**
 * Reads assets page by page with HeyGen's v1 List Assets or v3 /v3/assets, in HeyGen's order, each
 * asset once, one request a page: nothing is read twice, and a library that changes while it is read
 * never fails the walk.
 * - v1's token is a keyset cursor: HeyGen's own example token decodes to
 *   `{"id": "eb0…392f", "created_ts": "2025-…-01 08:04:25"}`, the last asset of the page. An asset
 *   added or deleted in front of the reader moves nothing across a page boundary.
 * - v3's token is opaque. If it is an offset, an upload in front of the reader pushes the page's last
 *   assets onto the next page again: they are dropped there, by id. A deletion in front of the reader
 *   would pull as many assets past the boundary unseen; nothing in the answers shows that, and no
 *   read is paid on every listing to half-detect it (the README says so).
 * The file type is a query parameter on v1 and a filter in the node on v3 (which has none).
 */
async function walkList(
	this: HeyGenContext,
	options: ListingOptions,
	walk: Pick<PageWalk<IDataObject>, 'limit' | 'keepGoing' | 'from'>,
	itemIndex?: number,
): Promise<Walked<IDataObject>> {
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
	const walked = await walkPages(
		fetchPage,
		{ ...walk, keep, idOf: assetId, isBefore: listedBefore },
		fail,
	);
	if (walked.duplicates > 0 || walked.outOfOrder > 0) {
		this.logger.debug(
			`HeyGen sent ${walked.duplicates} assets twice while listing; each is output once`,
			{ endpoint: ENDPOINTS[apiVersion], ...walked, items: walked.items.length },
		);
	}
	return walked;
}

/** The walk on one list: its own token kept, another list's token dropped (that list starts at the front). */
function walkOn(list: ApiVersion, options: ListingOptions, walk: AssetWalk) {
	const { fromApi, onFromDropped, ...rest } = walk;
	if ((fromApi ?? options.apiVersion) === list || rest.from === undefined) return rest;
	onFromDropped?.();
	return { ...rest, from: undefined };
}

/**
 * The assets of a listing (see walkList). A listing on v1 whose list answers 404 or 410 (HeyGen
 * retired v1 after October 2026), on its first page or any later one, is read again from the front
 * through /v3/assets: same output shape, same filters (the file type applied here), the key's own
 * user as the owner. `onRetired` hears of it once per run, from whichever item gets to v3 first; the
 * run asks v1 no more. A `from` token of the other list is dropped, and `walk.onFromDropped` told.
 */
export async function walkAssets(
	this: HeyGenContext,
	options: ListingOptions,
	walk: AssetWalk,
	itemIndex?: number,
	onRetired?: (error: NodeApiError, username: string) => void,
): Promise<WalkedAssets> {
	if (options.apiVersion === 'v1' && !v1RetiredInRun.has(this)) {
		try {
			const walked = await walkList.call(this, options, walkOn('v1', options, walk), itemIndex);
			return { ...walked, listedWith: 'v1' };
		} catch (error) {
			if (!isRetired(error)) throw asNodeError(this.getNode(), error, itemIndex);
			v1RetiredInRun.set(this, error);
		}
	}
	const retired = options.apiVersion === 'v1' ? v1RetiredInRun.get(this) : undefined;
	try {
		if (retired && !toldInRun.has(this)) {
			const username = await ownerUsername.call(this, undefined, itemIndex);
			if (!toldInRun.has(this)) onRetired?.(retired, username);
			toldInRun.add(this);
		}
		const onV3: ListingOptions = {
			...options,
			apiVersion: 'v3',
			ownerUsername: retired ? undefined : options.ownerUsername,
		};
		const walked = await walkList.call(this, onV3, walkOn('v3', options, walk), itemIndex);
		return { ...walked, listedWith: 'v3' };
	} catch (error) {
		if (retired && isNotFound(error)) throw neitherListError(this, retired, error, itemIndex);
		throw asNodeError(this.getNode(), error, itemIndex);
	}
}

/**
 * v1's list 404 and its v3 successor 404 too: not HeyGen's retirement but a Base URL with no HeyGen
 * behind it (or a proxy that drops these paths). Say so, naming both.
 */
function neitherListError(
	context: HeyGenContext,
	retired: NodeApiError,
	error: NodeApiError,
	itemIndex?: number,
): NodeApiError {
	return heyGenApiError(
		context.getNode(),
		`HeyGen answered ${String(retired.httpCode)} for ${ENDPOINTS.v1}, and ${error.message.replace(/^HeyGen /, '')} on v3`,
		`Where HeyGen has retired its v1 list, the node lists through ${ENDPOINTS.v3}, but that failed too: ${error.description ?? error.message} Check the Base URL of the credential: nothing at it answers as HeyGen does.`,
		{ status: 404, itemIndex },
	);
}

/** What to tell the user when a v1 listing went through v3 (an execution hint, or the log). */
export function v1RetiredNotice(error: NodeApiError, username: string): string {
	return `HeyGen has retired its v1 API (GET ${ENDPOINTS.v1} answered ${String(error.httpCode)}), so the node listed the assets through v3 (GET ${ENDPOINTS.v3}) with the same output; nothing to change on your side. One difference: v3's list (a beta at HeyGen) shows one member's uploads, here "${username}" (the API key's own user), where v1 listed the whole account's. To list another member's uploads, set API Version to v3 and Owner Username.`;
}

/** The assets of a listing (see walkAssets), each once, in HeyGen's order. */
export async function listAssets(
	this: HeyGenContext,
	options: ListingOptions,
	walk: Pick<PageWalk<IDataObject>, 'limit' | 'keepGoing'>,
	itemIndex?: number,
	onRetired?: (error: NodeApiError, username: string) => void,
): Promise<IDataObject[]> {
	return (await walkAssets.call(this, options, walk, itemIndex, onRetired)).items;
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

/**
 * DELETE /v3/assets/{asset_id}: permanent. Resolves with the id HeyGen deleted. A 404 after an
 * earlier attempt that may have reached HeyGen (its answer lost to a reset, a timeout or a 5xx) is
 * that attempt's success: HeyGen answers 404 for an asset already deleted.
 */
export async function deleteAsset(
	this: HeyGenContext,
	assetId: string,
	itemIndex?: number,
): Promise<string> {
	const request = { method: 'DELETE' as const, endpoint: assetPath(assetId), itemIndex };
	let body: IDataObject;
	try {
		body = await heyGenApiRequest.call(this, request);
	} catch (error) {
		const earlier = error instanceof NodeApiError ? earlierAttemptsOf(error) : [];
		const deletedBefore =
			error instanceof NodeApiError && error.httpCode === '404' && mayHaveActed(earlier);
		if (!deletedBefore) return withNotFound(this, assetId, itemIndex)(error);
		this.logger.debug(
			'HeyGen answered 404 to a retried delete whose earlier attempt may have deleted the asset; taken as deleted',
			{ assetId, earlierAttempts: earlier },
		);
		return assetId;
	}
	const id = assetData(this, body, requestLabel(request), itemIndex).id;
	return typeof id === 'string' && id !== '' ? id : assetId;
}
