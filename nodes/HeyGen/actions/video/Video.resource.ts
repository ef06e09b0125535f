import type { INodeProperties } from 'n8n-workflow';

import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { del as delete, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a rendered video from the HeyGen account, permanently, by its ID',
				// An agent given this as a tool reads only "<action> in HeyGen": it must hear that there is no undo.
				action: 'Delete a video permanently',
			},
			{
				name: 'Get',
				value: 'get',
				description:
					'Get one video (status, title, duration, file URLs) by its ID or page URL, optionally with a file',
				action: 'Get a video',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description:
					'List the videos the HeyGen account rendered, newest first, optionally filtered and with a file each',
				action: 'Get many videos',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...del.description,
];
