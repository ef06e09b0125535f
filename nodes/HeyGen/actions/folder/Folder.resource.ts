import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
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
];
