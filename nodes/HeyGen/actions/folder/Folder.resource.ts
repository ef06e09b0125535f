import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description:
					'Get one folder (name, parent, type, whether trashed, times) by its ID, e.g. the folder_id of an asset; works on v3, after HeyGen retires v1',
				action: 'Get a folder',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description:
					'List the folders of the HeyGen account (ID, name, parent), optionally by name or inside one folder',
				action: 'Get many folders',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
];
