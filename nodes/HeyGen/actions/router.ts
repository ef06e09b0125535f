import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, cancelledError, isCancellation } from '../transport';
import * as asset from './asset/Asset.resource';
import * as folder from './folder/Folder.resource';
import type { HeyGenNodeType, HeyGenResource } from './node.type';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const OPERATIONS: { [R in HeyGenResource]: Record<HeyGenNodeType[R], { execute: Operation }> } = {
	asset: { delete: asset.delete, get: asset.get, getAll: asset.getAll, upload: asset.upload },
	folder: { get: folder.get, getAll: folder.getAll },
};

function operationFor(context: IExecuteFunctions, itemIndex: number): Operation {
	const resource = String(context.getNodeParameter('resource', itemIndex));
	const operation = String(context.getNodeParameter('operation', itemIndex));
	const operations: Record<string, { execute: Operation }> | undefined =
		OPERATIONS[resource as HeyGenResource];
	const found =
		operations && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
	if (!found) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" on "${resource}" is not supported`,
			{
				itemIndex,
			},
		);
	}
	return found.execute;
}

/** Runs the chosen operation once per input item; with On Error → Continue, a failed item becomes its error. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			returnData.push(...(await operationFor(this, itemIndex).call(this, itemIndex)));
		} catch (error) {
			// A stopped run stops here, for every item: it is not an item's error.
			if (isCancellation(error)) throw asNodeError(this.getNode(), error, itemIndex);
			if (this.getExecutionCancelSignal()?.aborted)
				throw cancelledError(this, 'The node', itemIndex);
			if (this.continueOnFail()) {
				returnData.push({
					json: { error: (error as Error).message },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}
