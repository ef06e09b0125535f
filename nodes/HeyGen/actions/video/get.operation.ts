import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getVideo, withVideoFiles } from '../../api';
import { showFor, videoDownloadProperties, videoIdProperty } from '../common.descriptions';
import { itemParameters, readVideoDownload, readVideoId } from '../parameters';

export const description: INodeProperties[] = [
	videoIdProperty,
	...videoDownloadProperties(false),
].map(showFor({ resource: ['video'], operation: ['get'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = itemParameters(this, itemIndex);
	const videoId = readVideoId(parameters);
	const download = readVideoDownload(parameters, false);
	const video = await getVideo.call(this, videoId, itemIndex);
	return await withVideoFiles.call(this, [video], download, { many: false, itemIndex });
}
