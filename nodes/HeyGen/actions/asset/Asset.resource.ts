import type { INodeProperties } from 'n8n-workflow';

import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as upload from './upload.operation';

export { del as delete, get, getAll, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asset'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an asset from the HeyGen account, permanently, by its ID',
				// An agent given this as a tool reads only "<action> in HeyGen": it must hear that there is no undo.
				action: 'Delete an asset permanently',
			},
			{
				name: 'Get',
				value: 'get',
				description:
					'Get one asset (name, type, folder, upload time, file URL) by its ID, optionally with its file',
				action: 'Get an asset',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description:
					"List the images, audio and video in the HeyGen account, newest first, optionally filtered by type or folder and with their files (HeyGen's List Assets)",
				action: 'Get many assets',
			},
			{
				name: 'Upload',
				value: 'upload',
				description:
					"Upload the input item's file (image, video, audio, PDF or subtitles) as a new HeyGen asset",
				action: 'Upload an asset',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...get.description,
	...upload.description,
	...del.description,
];
