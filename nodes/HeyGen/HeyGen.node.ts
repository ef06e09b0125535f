import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import * as asset from './actions/asset';
import { listSearch } from './methods';
import { asNodeError } from './transport/errors';

export class HeyGen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen',
		name: 'heyGen',
		icon: { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ ({ getAll: "Get many" })[$parameter["operation"]] + " " + $parameter["resource"] + "s" }}',
		description: 'List the image, audio and video assets in a HeyGen account',
		defaults: { name: 'HeyGen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Asset', value: 'asset' }],
				default: 'asset',
			},
			...asset.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const resource = this.getNodeParameter('resource', itemIndex);
				const operation = this.getNodeParameter('operation', itemIndex);
				if (resource !== 'asset' || operation !== 'getAll') {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${String(operation)}" on "${String(resource)}" is not supported`,
						{ itemIndex },
					);
				}
				returnData.push(...(await asset.getAll.execute.call(this, itemIndex)));
			} catch (error) {
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
}
