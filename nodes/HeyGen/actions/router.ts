import { type IExecuteFunctions, type INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../helpers';
import { beginRun, cancelledError, isCancellation, type RunShared } from '../execution';
import * as asset from './asset/Asset.resource';
import * as folder from './folder/Folder.resource';
import * as video from './video/Video.resource';
import type { HeyGenNodeType, HeyGenResource } from './node.type';
import { itemParameters, readRequestsAtOnce } from './parameters';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const OPERATIONS: { [R in HeyGenResource]: Record<HeyGenNodeType[R], { execute: Operation }> } = {
	asset: { delete: asset.delete, get: asset.get, getAll: asset.getAll, upload: asset.upload },
	folder: { get: folder.get, getAll: folder.getAll },
	video: { delete: video.delete, get: video.get, getAll: video.getAll },
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
 * Runs the items, up to `requestsAtOnce` at a time, each output in its input place. With On Error →
 * Stop, a failed item stops the items after it at once (their requests too) and no new one starts;
 * the items before it finish, and the first failure in input order is thrown.
 */
async function runItems(
	context: IExecuteFunctions,
	operation: Operation,
	count: number,
	shared: RunShared,
): Promise<INodeExecutionData[][]> {
	const outputs = new Array<INodeExecutionData[]>(count);
	let next = 0;
	const run: { failure?: { itemIndex: number; error: unknown } } = {};
	// An item after a failure fails because it was stopped: not what is reported.
	const afterTheFailure = (itemIndex: number) =>
		run.failure !== undefined && itemIndex > run.failure.itemIndex;
	const worker = async () => {
		while (next < count && run.failure === undefined) {
			const itemIndex = next++;
			try {
				outputs[itemIndex] = await runItem(context, operation, itemIndex);
			} catch (error) {
				if (afterTheFailure(itemIndex)) continue;
				run.failure = { itemIndex, error };
				shared.stopAfter(itemIndex, new Error(`item ${itemIndex} failed`));
			}
		}
	};
	await Promise.all(
		Array.from({ length: Math.max(1, Math.min(shared.itemsAtOnce, count)) }, worker),
	);
	if (run.failure) throw run.failure.error;
	return outputs;
}

/**
 * Runs the chosen operation once per input item, up to Requests at Once items at a time, output in
 * input order whatever order the answers come in. With On Error → Continue a failed item becomes its
 * error; else the first failure in input order is thrown, the items after it stopped at once.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const requestsAtOnce = readRequestsAtOnce(itemParameters(this, 0));
	// Resource and operation take no expressions: the same for every item.
	const operation = operationFor(this, 0);
	const shared = beginRun(this, requestsAtOnce);
	const outputs = await runItems(this, operation, items.length, shared);
	return [outputs.flat()];
}
