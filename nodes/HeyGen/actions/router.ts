import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	asNodeError,
	beginRun,
	cancelledError,
	isCancellation,
	mapWithConcurrency,
} from '../transport';
import * as asset from './asset/Asset.resource';
import * as folder from './folder/Folder.resource';
import type { HeyGenNodeType, HeyGenResource } from './node.type';
import { itemParameters, readRequestsAtOnce } from './parameters';

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

/** One item's output: the operation's, or with On Error → Continue its error in place. */
async function runItem(
	context: IExecuteFunctions,
	operation: Operation,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	try {
		return await operation.call(context, itemIndex);
	} catch (error) {
		// A stopped run stops here, for every item: it is not an item's error.
		if (isCancellation(error)) throw asNodeError(context.getNode(), error, itemIndex);
		if (context.getExecutionCancelSignal()?.aborted)
			throw cancelledError(context, 'The node', itemIndex);
		if (context.continueOnFail()) {
			return [{ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } }];
		}
		throw asNodeError(context.getNode(), error, itemIndex);
	}
}

/**
 * Runs the chosen operation once per input item, up to Requests at Once items at a time, output in
 * input order whatever order the answers come in. With On Error → Continue a failed item becomes its
 * error; else the first failure stops the other items at once (their requests too) and is thrown.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const requestsAtOnce = readRequestsAtOnce(itemParameters(this, 0));
	// Resource and operation take no expressions: the same for every item.
	const operation = operationFor(this, 0);
	const { stop } = beginRun(this, requestsAtOnce);
	const outputs = await mapWithConcurrency(
		items,
		requestsAtOnce,
		async (_item, itemIndex) => await runItem(this, operation, itemIndex),
		{ stop, stopReason: (itemIndex) => `item ${itemIndex} failed` },
	);
	return [outputs.flat()];
}
