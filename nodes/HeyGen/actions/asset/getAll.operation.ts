import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listAssets, withFiles } from '../../transport';
import {
	apiVersionProperties,
	assetFiltersProperty,
	downloadProperties,
	returnAllAndLimit,
	showFor,
} from '../common.descriptions';
import { itemParameters, readDownload, readLimit, readListingOptions } from '../parameters';

export const description: INodeProperties[] = [
	...apiVersionProperties,
	...returnAllAndLimit(),
	assetFiltersProperty,
	...downloadProperties({ many: true }),
].map(showFor({ resource: ['asset'], operation: ['getAll'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = itemParameters(this, itemIndex);
	const options = readListingOptions(parameters);
	const limit = readLimit(parameters);
	const download = readDownload(parameters, true);
	const assets = await listAssets.call(this, options, { limit }, itemIndex);
	return await withFiles.call(this, assets, download, itemIndex);
}
