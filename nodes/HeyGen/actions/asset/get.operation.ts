import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getAsset, withFiles } from '../../api';
import { assetIdProperty, downloadProperties, showFor } from '../common.descriptions';
import { itemParameters, readAssetId, readDownload } from '../parameters';

export const description: INodeProperties[] = [
	assetIdProperty,
	...downloadProperties({ many: false }),
].map(showFor({ resource: ['asset'], operation: ['get'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = itemParameters(this, itemIndex);
	const assetId = readAssetId(parameters);
	const download = readDownload(parameters, false);
	const asset = await getAsset.call(this, assetId, itemIndex);
	return await withFiles.call(this, [asset], download, itemIndex);
}
