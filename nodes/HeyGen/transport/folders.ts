import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { endlessPagesError, ownerUsername, v3AssetPage } from './assets';
import { mapWithConcurrency } from './concurrency';
import type { HeyGenContext } from './context';
import { heyGenApiError, heyGenContractError, isNotFound, notFoundError } from './errors';
import { MAX_PAGE_SIZE, type Page, type PageWalk, walkPages } from './paging';
import { heyGenApiRequest, requestLabel } from './request';

/** HeyGen's List Folders: v1 only, v3 has no folder list. */
export const FOLDERS_ENDPOINT = '/v1/folders';

/** HeyGen's Get Folder, v3: one folder by its ID (trashed ones too). */
export const FOLDER_ENDPOINT_V3 = '/v3/folders/{folder_id}';

/** The statuses of a List Folders that is gone (HeyGen's v1 sunset), not merely failing. */
const GONE_STATUSES = ['404', '410'];

/** Whether an error is List Folders answering that it is gone. */
export function isFolderListGone(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && GONE_STATUSES.includes(String(error.httpCode));
}

export interface FolderFilters {
	/** Only folders whose name contains this (HeyGen's name_filter). */
	name?: string;
	/** Only the folders inside this one; undefined for the top level. */
	parentId?: string;
}

/** 404/410 on List Folders: say plainly what is gone, and what still works. */
function withRetiredFolders(context: HeyGenContext, itemIndex?: number) {
	return (error: unknown) => {
		if (isFolderListGone(error)) {
			const httpCode = String(error.httpCode);
			const message = `HeyGen's folder list (${FOLDERS_ENDPOINT}) answered ${httpCode}`;
			throw heyGenApiError(
				context.getNode(),
				message,
				`HeyGen lists folders only through its v1 API, which it is retiring; v3 has no folder list, so the node cannot list folders. Folder → Get still works (GET ${FOLDER_ENDPOINT_V3}): give it the folder_id of the assets from Asset → Get Many. Check the Base URL of the credential too.`,
				{ status: Number(httpCode), itemIndex },
			);
		}
		throw error;
	};
}

/** One page of List Folders. */
export async function folderPage(
	this: HeyGenContext,
	filters: FolderFilters,
	token: string | undefined,
	size: number,
	itemIndex?: number,
): Promise<Page<IDataObject>> {
	const qs: IDataObject = { limit: size };
	if (filters.name) qs.name_filter = filters.name;
	if (filters.parentId) qs.parent_id = filters.parentId;
	if (token !== undefined) qs.token = token;
	const body = await heyGenApiRequest
		.call(this, { endpoint: FOLDERS_ENDPOINT, qs, itemIndex })
		.catch(withRetiredFolders(this, itemIndex));
	const data = body.data as IDataObject | null | undefined;
	if (data === null || typeof data !== 'object' || !Array.isArray(data.folders)) {
		throw heyGenContractError(
			this.getNode(),
			'HeyGen returned an unexpected response',
			`GET ${FOLDERS_ENDPOINT} answered without data.folders.`,
			200,
			itemIndex,
		);
	}
	const next = typeof data.token === 'string' && data.token !== '' ? data.token : undefined;
	return {
		items: (data.folders as IDataObject[]).filter((folder) => typeof folder.id === 'string'),
		next,
	};
}

/** Lists folders page by page, in HeyGen's order. */
export async function listFolders(
	this: HeyGenContext,
	filters: FolderFilters,
	walk: Pick<PageWalk<IDataObject>, 'limit'>,
	itemIndex?: number,
): Promise<IDataObject[]> {
	const walked = await walkPages(
		async (token, size) => await folderPage.call(this, filters, token, size, itemIndex),
		{ ...walk, idOf: (folder) => String(folder.id) },
		endlessPagesError(this, FOLDERS_ENDPOINT, 'folders', itemIndex),
	);
	return walked.items;
}

/**
 * A v3 folder in the shape of a List Folders item (id, name, parent_id with null at the root,
 * created_ts, is_trash), plus v3's type, updated_ts (its updated_at) and creator_username.
 */
export function v3FolderToV1(folder: IDataObject): IDataObject {
	return {
		id: folder.folder_id,
		name: folder.name,
		parent_id: folder.parent_id ?? null,
		created_ts: folder.created_at,
		is_trash: folder.is_trash,
		type: folder.type,
		updated_ts: folder.updated_at,
		creator_username: folder.creator_username ?? null,
	};
}

const folderPath = (folderId: string) =>
	FOLDER_ENDPOINT_V3.replace('{folder_id}', encodeURIComponent(folderId));

/** GET /v3/folders/{folder_id}, once; a 404 names the folder. */
async function fetchFolder(
	this: HeyGenContext,
	folderId: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const request = { endpoint: folderPath(folderId), itemIndex };
	const body = await heyGenApiRequest.call(this, request).catch((error: unknown) => {
		if (!isNotFound(error)) throw error;
		throw notFoundError(
			this.getNode(),
			error,
			`HeyGen has no folder with ID "${folderId}"`,
			'The folder may have been deleted, or it belongs to another workspace.',
			itemIndex,
		);
	});
	const data = body.data as IDataObject | null | undefined;
	if (data === null || typeof data !== 'object' || typeof data.folder_id !== 'string') {
		throw heyGenContractError(
			this.getNode(),
			'HeyGen returned an unexpected response',
			`${requestLabel(request)} answered without data.folder_id.`,
			200,
			itemIndex,
		);
	}
	return v3FolderToV1(data);
}

/** The folders of each node run by ID, so that a run asks HeyGen for each folder once. */
const foldersByRun = new WeakMap<object, Map<string, Promise<IDataObject>>>();

/**
 * One folder by its ID (GET /v3/folders/{folder_id}), in the shape of a List Folders item. Asked
 * once per node run however many items name it; a failure is not kept, the next item asks again.
 */
export async function getFolder(
	this: HeyGenContext,
	folderId: string,
	itemIndex?: number,
): Promise<IDataObject> {
	let known = foldersByRun.get(this);
	if (!known) {
		known = new Map();
		foldersByRun.set(this, known);
	}
	let pending = known.get(folderId);
	if (!pending) {
		pending = fetchFolder.call(this, folderId, itemIndex);
		known.set(folderId, pending);
		const run = known;
		pending.then(undefined, () => run.delete(folderId));
	}
	// A copy: items of one run must not share an object a later node could change.
	return { ...(await pending) };
}

/** Folder lookups at once when naming the folders of recent assets: few, to stay clear of 429s. */
const FOLDER_LOOKUPS_AT_ONCE = 4;

/**
 * The folders the account's most recent assets (one v3 page) are in, newest asset first, each
 * named through GET /v3/folders/{folder_id}: what can be offered where List Folders is gone. A
 * folder deleted since (404) is left out.
 */
export async function foldersOfRecentAssets(this: HeyGenContext): Promise<IDataObject[]> {
	const qs: IDataObject = {
		limit: MAX_PAGE_SIZE,
		username: await ownerUsername.call(this, undefined),
	};
	const page = await v3AssetPage.call(this, qs, 0);
	const ids = [...new Set(page.items.map((asset) => String(asset.folder_id ?? '')))].filter(
		(id) => id !== '',
	);
	const folders = await mapWithConcurrency(ids, FOLDER_LOOKUPS_AT_ONCE, async (id) =>
		getFolder.call(this, id).catch((error: unknown) => {
			if (isNotFound(error)) return undefined;
			throw error;
		}),
	);
	return folders.filter((folder): folder is IDataObject => folder !== undefined);
}
