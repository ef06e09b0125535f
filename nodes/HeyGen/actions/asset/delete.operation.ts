import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deleteAsset } from '../../api';
import { assetIdProperty, showFor } from '../common.descriptions';
import { itemParameters, readAssetId } from '../parameters';

export const description: INodeProperties[] = [
	{
		...assetIdProperty,
		description: 'The HeyGen asset to delete. Deleting is permanent.',
	},
].map(showFor({ resource: ['asset'], operation: ['delete'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const assetId = readAssetId(itemParameters(this, itemIndex));
	const id = await deleteAsset.call(this, assetId, itemIndex);
	return [{ json: { id, deleted: true }, pairedItem: { item: itemIndex } }];
}
