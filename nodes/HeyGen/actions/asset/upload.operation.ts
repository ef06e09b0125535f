import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { BINARY_ENCODING, NodeOperationError } from 'n8n-workflow';

import {
	idempotencyKey,
	MULTIPART_MAX_BYTES,
	UPLOAD_TYPES_TEXT,
	type UploadFile,
	uploadAsset,
	uploadContentType,
} from '../../transport';
import { showFor } from '../common.descriptions';
import { DEFAULT_BINARY_PROPERTY } from '../constants';
import { itemParameters, readBinaryPropertyName } from '../parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: DEFAULT_BINARY_PROPERTY,
		required: true,
		hint: 'The name of the input binary field that holds the file to upload',
		description: `One asset per input item. HeyGen takes ${UPLOAD_TYPES_TEXT} files; files over ${MULTIPART_MAX_BYTES / 1_000_000} MB go through its direct upload.`,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. intro.mp4',
				description: "The asset's name in HeyGen. Leave empty for the binary file's own name.",
			},
		],
	},
];

export const description = properties.map(showFor({ resource: ['asset'], operation: ['upload'] }));

/** The file of one input item, checked before anything is sent to HeyGen. */
async function fileOfItem(this: IExecuteFunctions, itemIndex: number): Promise<UploadFile> {
	const node = this.getNode();
	const parameters = itemParameters(this, itemIndex);
	const binaryPropertyName = readBinaryPropertyName(parameters, 'Input Binary Field');
	const binary: IBinaryData = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const options = (parameters.get('options', {}) ?? {}) as IDataObject;
	const fileName =
		String(options.fileName ?? '').trim() ||
		binary.fileName ||
		`upload-${itemIndex + 1}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const contentType = uploadContentType(fileName, binary.mimeType);
	if (!contentType) {
		throw new NodeOperationError(
			node,
			`HeyGen does not take "${fileName}" (${binary.mimeType || 'unknown type'})`,
			{
				itemIndex,
				description: `HeyGen takes ${UPLOAD_TYPES_TEXT} files. Nothing was uploaded.`,
			},
		);
	}
	const { id } = binary;
	// Where n8n keeps the file outside the item (filesystem, database or S3 mode), it is streamed from there.
	const inMemory = id ? undefined : Buffer.from(binary.data, BINARY_ENCODING);
	const size = id
		? (await this.helpers.getBinaryMetadata(id)).fileSize
		: (inMemory as Buffer).length;
	if (!size) {
		throw new NodeOperationError(node, `The file "${fileName}" is empty`, {
			itemIndex,
			description: `Input Binary Field "${binaryPropertyName}" holds 0 bytes. Nothing was uploaded.`,
		});
	}
	return {
		fileName,
		contentType,
		size,
		open: async () => (id ? await this.helpers.getBinaryStream(id) : (inMemory as Buffer)),
		idempotencyKey: idempotencyKey([
			this.getExecutionId(),
			node.id,
			itemIndex,
			binaryPropertyName,
			id ?? fileName,
			size,
		]),
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const file = await fileOfItem.call(this, itemIndex);
	const asset = await uploadAsset.call(this, file, itemIndex);
	return [{ json: asset, pairedItem: { item: itemIndex } }];
}
