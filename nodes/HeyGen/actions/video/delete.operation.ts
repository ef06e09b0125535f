import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deleteVideo } from '../../api';
import { showFor, videoIdProperty } from '../common.descriptions';
import { itemParameters, readVideoId } from '../parameters';

export const description: INodeProperties[] = [
	{ ...videoIdProperty, description: 'The HeyGen video to delete. Deleting is permanent.' },
].map(showFor({ resource: ['video'], operation: ['delete'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const videoId = readVideoId(itemParameters(this, itemIndex));
	const id = await deleteVideo.call(this, videoId, itemIndex);
	return [{ json: { id, deleted: true }, pairedItem: { item: itemIndex } }];
}
