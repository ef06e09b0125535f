import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import {
	folderPage,
	foldersOfRecentAssets,
	isFolderListGone,
	noteFolderListGone,
	ownerUsername,
	v3AssetPage,
	walkVideos,
} from '../api';
import { MAX_PAGE_SIZE } from '../helpers';

const nameOf = (item: IDataObject) =>
	typeof item.name === 'string' && item.name !== '' ? item.name : String(item.id);

const folderResult = (folder: IDataObject) => ({ name: nameOf(folder), value: String(folder.id) });

/**
 * Where List Folders is gone (HeyGen's v1 sunset): the folders of the account's recent assets,
 * named through v3, filtered by name here. One list, no further pages.
 */
async function recentAssetFolders(
	this: ILoadOptionsFunctions,
	filter: string | undefined,
): Promise<INodeListSearchResult> {
	const needle = filter?.trim().toLowerCase() ?? '';
	const folders = await foldersOfRecentAssets.call(this);
	return {
		results: folders
			.filter((folder) => needle === '' || nameOf(folder).toLowerCase().includes(needle))
			.map(folderResult),
	};
}

/**
 * Folders for the folder pickers, searched by name with HeyGen's List Folders, a page at a time;
 * where that is gone, the folders of the recent assets instead of nothing.
 */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await folderPage
		.call(this, { name: filter || undefined }, paginationToken || undefined, MAX_PAGE_SIZE)
		.catch((error: unknown) => {
			// Only on the first page: a later page offers nothing the earlier ones did not.
			if (!isFolderListGone(error) || paginationToken) throw error;
			noteFolderListGone(this, error);
			return undefined;
		});
	if (!page) return await recentAssetFolders.call(this, filter);
	return {
		results: page.items.map(folderResult),
		paginationToken: page.next !== paginationToken ? page.next : undefined,
	};
}

/**
 * The account's assets for the asset picker, newest first (v3's order), a page at a time. HeyGen
 * cannot search assets by name, so the name filter is applied to each page here.
 */
export async function searchAssets(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = {
		limit: MAX_PAGE_SIZE,
		username: await ownerUsername.call(this, undefined),
	};
	if (paginationToken) qs.token = paginationToken;
	const page = await v3AssetPage.call(this, qs, 0);
	const needle = filter?.trim().toLowerCase() ?? '';
	return {
		results: page.items
			.filter((asset) => needle === '' || nameOf(asset).toLowerCase().includes(needle))
			.map((asset) => ({
				name: `${nameOf(asset)} (${String(asset.file_type)})`,
				value: String(asset.id),
			})),
		paginationToken: page.next !== paginationToken ? page.next : undefined,
	};
}

/** Where the video picker's next page starts: HeyGen's token, and the last video shown before it. */
interface VideoPickerPage {
	token: string;
	lastId: string;
	lastCreatedAt: number;
}

function encodePickerPage(page: VideoPickerPage): string {
	return Buffer.from(JSON.stringify(page)).toString('base64url');
}

function decodePickerPage(token: string | undefined): VideoPickerPage | undefined {
	if (!token) return undefined;
	try {
		const page = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as VideoPickerPage;
		return typeof page.token === 'string' ? page : undefined;
	} catch {
		return undefined;
	}
}

const startedAt = (video: IDataObject) => Number(video.created_at) || 0;

/**
 * The account's videos for the video picker, newest first, a page at a time, searched by title with
 * HeyGen's own title filter. A render that lands at the front between two pages shifts HeyGen's
 * offset-like token: what the page before showed is left out of the next.
 */
export async function searchVideos(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const title = filter?.trim() || undefined;
	const after = decodePickerPage(paginationToken);
	const walked = await walkVideos.call(
		this,
		{ title },
		{ limit: MAX_PAGE_SIZE, from: after?.token },
	);
	const shown = after
		? walked.items.filter(
				(video) => video.id !== after.lastId && startedAt(video) <= after.lastCreatedAt,
			)
		: walked.items;
	const last = walked.items[walked.items.length - 1];
	return {
		results: shown.map((video) => ({
			name: `${typeof video.title === 'string' && video.title !== '' ? video.title : String(video.id)} (${String(video.status)})`,
			value: String(video.id),
			url: typeof video.video_page_url === 'string' ? video.video_page_url : undefined,
		})),
		paginationToken:
			walked.next && last
				? encodePickerPage({
						token: walked.next,
						lastId: String(last.id),
						lastCreatedAt: startedAt(last),
					})
				: undefined,
	};
}
