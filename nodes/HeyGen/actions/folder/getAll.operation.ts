import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { listFolders } from '../../api';
import {
	filtersCollection,
	folderLocator,
	returnAllAndLimit,
	showFor,
} from '../common.descriptions';
import { itemParameters, readFolderId, readLimit } from '../parameters';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	filtersCollection([
		{
			displayName: 'Name Contains',
			name: 'name',
			type: 'string',
			default: '',
			description: 'Only folders whose name contains this text',
		},
		folderLocator(
			'Parent Folder',
			'parentId',
			'Only the folders inside this folder (default: the top level)',
		),
	]),
];

export const description = properties.map(showFor({ resource: ['folder'], operation: ['getAll'] }));

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const parameters = itemParameters(this, itemIndex);
	const limit = readLimit(parameters);
	const filters = (parameters.get('filters', {}) ?? {}) as IDataObject;
	const name = String(filters.name ?? '').trim() || undefined;
	const parentId =
		filters.parentId === undefined ? undefined : readFolderId(parameters, 'filters.parentId');
	const folders = await listFolders.call(this, { name, parentId }, { limit }, itemIndex);
	return folders.map((folder) => ({ json: folder, pairedItem: { item: itemIndex } }));
}
