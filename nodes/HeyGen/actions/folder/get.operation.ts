import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getFolder } from '../../transport';
import { folderLocator, showFor } from '../common.descriptions';
import { itemParameters, readRequiredFolderId } from '../parameters';

export const description: INodeProperties[] = [
	{
		...folderLocator(
			'Folder',
			'folderId',
			"The HeyGen folder. From List needs HeyGen's folder list (v1), or offers the folders of recent assets where it is gone; By ID always works, e.g. an asset's folder_id.",
		),
		required: true,
	},
].map(showFor({ resource: ['folder'], operation: ['get'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const folderId = readRequiredFolderId(itemParameters(this, itemIndex), 'folderId');
	const folder = await getFolder.call(this, folderId, itemIndex);
	return [{ json: folder, pairedItem: { item: itemIndex } }];
}
