import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asset'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description:
					"List the images, audio and video in the HeyGen account (HeyGen's List Assets)",
				action: 'Get many assets',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
