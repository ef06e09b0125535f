import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { listAssets, v1RetiredNotice, withFiles } from '../../api';
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
	const assets = await listAssets.call(this, options, { limit }, itemIndex, (error, username) =>
		tellOnce(this, v1RetiredNotice(error, username)),
	);
	return await withFiles.call(this, assets, download, itemIndex);
}

/**
 * A notice for the user, never an error and never in the items: an execution hint, which the editor
 * shows above the node's output (n8n 1.x before hints had them: the log).
 */
function tellOnce(context: IExecuteFunctions, message: string) {
	if (typeof context.addExecutionHints === 'function') {
		context.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	} else {
		context.logger.warn(message);
	}
}
