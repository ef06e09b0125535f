import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getFolder } from '../../api';
import { folderLocator, showFor } from '../common.descriptions';
import { itemParameters, readRequiredFolderId } from '../parameters';

export const description: INodeProperties[] = [
	{
		...folderLocator(
			'Folder',
			'folderId',
			"The HeyGen folder, e.g. an asset's folder_id. Named through HeyGen's folder list (v1) or, where that is gone, its v3 folder lookup; From List offers the folders of recent assets where the list is gone.",
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
