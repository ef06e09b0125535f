import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { folderPage, MAX_PAGE_SIZE, ownerUsername, v3AssetPage } from '../transport';

const nameOf = (item: IDataObject) =>
	typeof item.name === 'string' && item.name !== '' ? item.name : String(item.id);

/** Folders for the folder pickers, searched by name with HeyGen's List Folders, a page at a time. */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await folderPage.call(
		this,
		{ name: filter || undefined },
		paginationToken || undefined,
		MAX_PAGE_SIZE,
	);
	return {
		results: page.items.map((folder) => ({ name: nameOf(folder), value: String(folder.id) })),
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
