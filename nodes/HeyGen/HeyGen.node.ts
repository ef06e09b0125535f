import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import * as asset from './actions/asset/Asset.resource';
import { runOptionsProperty } from './actions/common.descriptions';
import { LATEST_NODE_VERSION } from './actions/constants';
import * as folder from './actions/folder/Folder.resource';
import * as video from './actions/video/Video.resource';
import { router } from './actions/router';
import { methods } from './methods';

export class HeyGen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen',
		name: 'heyGen',
		icon: { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: LATEST_NODE_VERSION,
		subtitle:
			'={{ ({ getAll: "Get many", get: "Get", upload: "Upload", delete: "Delete" })[$parameter["operation"]] + " " + $parameter["resource"] + ($parameter["operation"] === "getAll" ? "s" : "") }}',
		description:
			'Get, download, upload and delete the assets of a HeyGen account, list, download and delete the videos it rendered, and name its folders',
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
				options: [
					{ name: 'Asset', value: 'asset' },
					{ name: 'Folder', value: 'folder' },
					{ name: 'Video', value: 'video' },
				],
				default: 'asset',
			},
			...asset.description,
			...folder.description,
			...video.description,
			runOptionsProperty,
		],
	};

	methods = methods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
