import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { heyGenApiRequest } from '../transport';

/** Folders for the Folder picker, searched by name with HeyGen's List Folders, a page at a time. */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = { limit: 100 };
	if (filter) qs.name_filter = filter;
	if (paginationToken) qs.token = paginationToken;
	const body = await heyGenApiRequest.call(this, '/v1/folders', qs);
	const data = (body.data ?? {}) as IDataObject;
	const folders = Array.isArray(data.folders) ? (data.folders as IDataObject[]) : [];
	const token = typeof data.token === 'string' && data.token !== '' ? data.token : undefined;
	return {
		results: folders
			.filter((folder) => typeof folder.id === 'string')
			.map((folder) => ({
				name: typeof folder.name === 'string' && folder.name !== '' ? folder.name : String(folder.id),
				value: String(folder.id),
			})),
		paginationToken: token !== paginationToken ? token : undefined,
	};
}
