import { type IDataObject, NodeApiError } from 'n8n-workflow';

import { type HeyGenContext, mapWithConcurrency } from '../execution';
import {
	afterListing,
	asNodeError,
	type FolderTree,
	heyGenApiError,
	heyGenContractError,
	isHeyGenNotFound,
	isNotFound,
	MAX_PAGE_SIZE,
	newFolderTree,
	nextListing,
	notFoundError,
	type Page,
	type PageWalk,
	requestLabel,
	walkPages,
} from '../helpers';
import { heyGenApiRequest } from '../transport';
import { endlessPagesError, isRetired, v3AssetPage } from './assets';
import { ownerUsername } from './users';

/** HeyGen's List Folders: v1 only, v3 has no folder list. */
export const FOLDERS_ENDPOINT = '/v1/folders';

/**
 * Get Folder, v3: one folder by its ID. **Unpublished**: HeyGen's published spec (its CLI's code
 * generated from its OpenAPI spec, July 2026) has no /v3/folders path; an earlier version of our
 * notes said it had. It is asked only where the folder list does not name the folder, and a bare
 * 404 from it (no HeyGen error code, as an unknown route answers) means "no such endpoint".
 */
export const FOLDER_ENDPOINT_V3 = '/v3/folders/{folder_id}';

/** Whether an error is List Folders answering that it is gone (404 or 410, as after the v1 sunset). */
export const isFolderListGone = isRetired;

export interface FolderFilters {
	/** Only folders whose name contains this (HeyGen's name_filter). */
	name?: string;
	/** Only the folders inside this one; undefined for the top level. */
	parentId?: string;
	/** The trashed folders instead (HeyGen's is_trash). */
	trash?: boolean;
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
				`Listing folders needs HeyGen's v1 folder list, which HeyGen is retiring, and v3 has no folder list: the node cannot list folders here. What still works: each asset's folder_id (Asset → Get Many), the Folder filter by ID, and Folder → Get where HeyGen answers GET ${FOLDER_ENDPOINT_V3} (not in HeyGen's published spec). Check the Base URL of the credential too.`,
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
	if (filters.trash) qs.is_trash = true;
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
 * Folder → Get's item, whichever source named the folder: id, name, parent_id (null at the top),
 * created_ts, is_trash, type (v3's type, or v1's project_type), updated_ts and creator_username
 * (null where the source has none).
 */
export function listedFolder(folder: IDataObject): IDataObject {
	return {
		id: folder.id,
		name: folder.name,
		parent_id:
			typeof folder.parent_id === 'string' && folder.parent_id !== '' ? folder.parent_id : null,
		created_ts: folder.created_ts ?? null,
		is_trash: folder.is_trash === true,
		type: folder.project_type ?? null,
		updated_ts: folder.updated_ts ?? null,
		creator_username: folder.creator_username ?? null,
	};
}

/**
 * A v3 folder in Folder → Get's shape (listedFolder's): its folder_id, created_at and updated_at as
 * id, created_ts and updated_ts.
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

/** What GET /v3/folders/{folder_id} said of one folder. */
type V3Answer = { folder: IDataObject } | { notFound: NodeApiError } | { absent: NodeApiError };

/** GET /v3/folders/{folder_id}, once: the folder, HeyGen's not_found, or a bare 404 (no such endpoint). */
async function askV3(this: HeyGenContext, folderId: string, itemIndex?: number): Promise<V3Answer> {
	const request = { endpoint: folderPath(folderId), itemIndex };
	let body: IDataObject;
	try {
		body = await heyGenApiRequest.call(this, request);
	} catch (error) {
		if (isHeyGenNotFound(error)) return { notFound: error };
		if (isNotFound(error)) return { absent: error };
		throw asNodeError(this.getNode(), error, itemIndex);
	}
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
	return { folder: v3FolderToV1(data) };
}

/** What one node run has learnt of HeyGen's folder sources. */
interface FolderSources {
	/** Where the folder list stands (see folderTree.ts). */
	tree: FolderTree;
	/** List Folders answered 404/410: no folder is named through it in this run. */
	listGone?: NodeApiError;
	/** GET /v3/folders/{id} answered a bare 404: not asked again in this run. */
	v3Absent?: NodeApiError;
	/** Lookups in the folder list, one at a time (the tree is walked once, in order). */
	queue: Promise<unknown>;
}

const sourcesByRun = new WeakMap<object, FolderSources>();

function sourcesOf(context: HeyGenContext): FolderSources {
	let sources = sourcesByRun.get(context);
	if (!sources) {
		sources = { tree: newFolderTree(), queue: Promise.resolve() };
		sourcesByRun.set(context, sources);
	}
	return sources;
}

/**
 * Lists folders until `folderId` is among them or the list is exhausted, level by level (HeyGen's
 * list shows one parent's folders at a time; where it shows every level at once, one walk does),
 * then the trash. Each parent is listed once per run, whatever is looked up.
 */
async function searchFolderList(
	this: HeyGenContext,
	sources: FolderSources,
	folderId: string,
	itemIndex?: number,
): Promise<IDataObject | undefined> {
	for (;;) {
		const found = sources.tree.folders.get(folderId);
		if (found || sources.listGone) return found;
		const step = nextListing(sources.tree);
		if (step === undefined) return undefined;
		try {
			const folders = await listFolders.call(this, step, {}, itemIndex);
			sources.tree = afterListing(sources.tree, step, folders);
		} catch (error) {
			if (!isFolderListGone(error)) throw asNodeError(this.getNode(), error, itemIndex);
			// Once the list has answered in this run, a 404 for one parent is that parent gone (deleted
			// while the run walks), not the list: the other parents are still walked.
			const oneParentGone = sources.tree.answered > 0 && String(error.httpCode) === '404';
			if (oneParentGone) sources.tree = afterListing(sources.tree, step, [], false);
			else sources.listGone = error;
		}
	}
}

/** The folder with this ID in HeyGen's folder list (undefined: not there, or no list). */
async function fromFolderList(
	this: HeyGenContext,
	sources: FolderSources,
	folderId: string,
	itemIndex?: number,
): Promise<IDataObject | undefined> {
	const lookup = sources.queue.then(
		async () => await searchFolderList.call(this, sources, folderId, itemIndex),
	);
	sources.queue = lookup.catch(() => undefined);
	return await lookup;
}

/** The error where HeyGen answers no folder lookup at all: it says so, never that the folder is missing. */
function noFolderLookupError(
	context: HeyGenContext,
	folderId: string,
	sources: FolderSources,
	itemIndex?: number,
): NodeApiError {
	const listStatus = String(sources.listGone?.httpCode ?? '404');
	const error = heyGenApiError(
		context.getNode(),
		`HeyGen offers no folder lookup for this account, so folder "${folderId}" cannot be named`,
		`HeyGen's folder list (GET ${FOLDERS_ENDPOINT}, v1, which HeyGen is retiring) answered ${listStatus}, and GET ${FOLDER_ENDPOINT_V3} answered a bare 404, as for a path HeyGen does not have (its published v3 spec has no folder endpoint). This says nothing about whether the folder exists. What still works: the folder_id on assets (Asset → Get Many) and the Folder filter by ID; only folder names are out of reach. If every HeyGen request of this credential fails so, check its Base URL.`,
		{ status: 404, itemIndex },
	);
	error.context.noFolderLookup = true;
	return error;
}

/**
 * The folder list answered 404 or 410 to this run already (the picker's first page): folders are
 * named without asking it again.
 */
export function noteFolderListGone(context: HeyGenContext, error: NodeApiError): void {
	sourcesOf(context).listGone ??= error;
}

/** Whether an error says HeyGen offers no folder lookup (not that a folder is missing). */
export function isNoFolderLookup(error: unknown): boolean {
	return error instanceof NodeApiError && error.context.noFolderLookup === true;
}

/**
 * One folder by its ID, from whichever source HeyGen answers: its folder list (GET /v1/folders,
 * documented) first, then GET /v3/folders/{folder_id} (unpublished). "No such folder" only where a
 * source that answers says so; where none answers, isNoFolderLookup's error.
 */
async function resolveFolder(
	this: HeyGenContext,
	folderId: string,
	itemIndex?: number,
): Promise<IDataObject> {
	const sources = sourcesOf(this);
	const listed = await fromFolderList.call(this, sources, folderId, itemIndex);
	if (listed) return listedFolder(listed);
	const answer: V3Answer = sources.v3Absent
		? { absent: sources.v3Absent }
		: await askV3.call(this, folderId, itemIndex);
	if ('folder' in answer) return answer.folder;
	if ('absent' in answer) {
		sources.v3Absent = answer.absent;
		if (sources.listGone) throw noFolderLookupError(this, folderId, sources, itemIndex);
	}
	const said = 'notFound' in answer ? answer.notFound : answer.absent;
	throw notFoundError(
		this.getNode(),
		said,
		`HeyGen has no folder with ID "${folderId}"`,
		sources.listGone
			? 'The folder may have been deleted, or it belongs to another workspace.'
			: "It is in neither HeyGen's folder list nor its trash: it may have been deleted, or it belongs to another workspace.",
		itemIndex,
	);
}

/** The folders of each node run by ID, so that a run asks HeyGen for each folder once. */
const foldersByRun = new WeakMap<object, Map<string, Promise<IDataObject>>>();

/**
 * One folder by its ID, in the shape of a List Folders item (see resolveFolder). Asked once per
 * node run however many items name it; a failure is not kept, the next item asks again.
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
		pending = resolveFolder.call(this, folderId, itemIndex);
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
 * The folders the account's most recent assets (one v3 page) are in, newest asset first: what can
 * be offered where List Folders is gone. Each is named where a source answers (getFolder); where
 * none does, it is offered by its ID alone (no `name`). A folder HeyGen says is gone is left out.
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
	const named = async (id: string) =>
		await getFolder.call(this, id).catch((error: unknown): IDataObject | undefined => {
			if (isNoFolderLookup(error)) return { id };
			if (isNotFound(error)) return undefined;
			throw error;
		});
	// The first alone: where HeyGen offers no lookup, that one answer spares asking for the rest.
	const [first, ...rest] = ids;
	if (first === undefined) return [];
	const folders = [
		await named(first),
		...(await mapWithConcurrency(rest, FOLDER_LOOKUPS_AT_ONCE, named)),
	];
	return folders.filter((folder): folder is IDataObject => folder !== undefined);
}
