import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { endlessPagesError } from './assets';
import { heyGenApiError, heyGenContractError } from './errors';
import { type Page, type PageWalk, walkPages } from './paging';
import type { HeyGenContext } from './context';
import { heyGenApiRequest } from './request';

/** HeyGen's List Folders: v1 only, v3 has no folder endpoints yet. */
export const FOLDERS_ENDPOINT = '/v1/folders';

export interface FolderFilters {
	/** Only folders whose name contains this (HeyGen's name_filter). */
	name?: string;
	/** Only the folders inside this one; undefined for the top level. */
	parentId?: string;
}

/** 404/410 on List Folders: say plainly that there is nothing else to ask. */
function withRetiredFolders(context: HeyGenContext, itemIndex?: number) {
	return (error: unknown) => {
		if (error instanceof NodeApiError && (error.httpCode === '404' || error.httpCode === '410')) {
			const message = `HeyGen's folder list (${FOLDERS_ENDPOINT}) answered ${error.httpCode}`;
			throw heyGenApiError(
				context.getNode(),
				message,
				'HeyGen lists folders only through its v1 API, which it is retiring; v3 has no folder list yet, so the node cannot list folders. Check the Base URL of the credential; pick folders by ID meanwhile.',
				{ status: Number(error.httpCode), itemIndex },
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
