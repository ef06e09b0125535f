import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { walkVideos, withVideoFiles } from '../../api';
import {
	returnAllAndLimit,
	showFor,
	videoDownloadProperties,
	videoFiltersProperty,
} from '../common.descriptions';
import { itemParameters, readLimit, readVideoDownload, readVideoFilters } from '../parameters';

export const description: INodeProperties[] = [
	...returnAllAndLimit(),
	videoFiltersProperty,
	...videoDownloadProperties(true),
].map(showFor({ resource: ['video'], operation: ['getAll'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = itemParameters(this, itemIndex);
	const filters = readVideoFilters(parameters);
	const limit = readLimit(parameters);
	const download = readVideoDownload(parameters, true);
	const { items } = await walkVideos.call(this, filters, { limit }, itemIndex);
	return await withVideoFiles.call(this, items, download, { many: true, itemIndex });
}
