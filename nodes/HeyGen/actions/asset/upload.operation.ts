import {
	BINARY_ENCODING,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	NodeOperationError,
} from 'n8n-workflow';

import {
	MULTIPART_MAX_BYTES,
	PROCESSING_POLICY,
	waitForProcessing,
	UPLOAD_TYPES_TEXT,
	type UploadFile,
	uploadAsset,
	uploadContentType,
} from '../../api';
import { requestsAtOnceOption, showFor } from '../common.descriptions';
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
			{
				displayName: 'Wait for Processing',
				name: 'waitForProcessing',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait until HeyGen has processed the asset (status completed) before the item goes on, so that the next node can use it at once',
			},
			{
				displayName: 'Processing Timeout (Seconds)',
				name: 'processingTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				// PROCESSING_POLICY.defaultTimeoutSeconds: n8n's lint wants the literal (a test holds them equal).
				default: 600,
				displayOptions: { show: { waitForProcessing: [true] } },
				description: 'How long to wait for processing in all before the item fails',
			},
			requestsAtOnceOption,
		],
	},
];

export const description = properties.map(showFor({ resource: ['asset'], operation: ['upload'] }));

/** How n8n names a file kept in its database store (`<mode>:<file id>`). */
const DATABASE_STORE_MODE = 'database';

/** n8n's binary data stores by the mode that starts a file's id, as the messages name them. */
const STORE_NAMES: Readonly<Record<string, string>> = {
	database: "n8n's database store",
	filesystem: "n8n's filesystem store",
	'filesystem-v2': "n8n's filesystem store",
	s3: "n8n's S3 store",
};

interface StoredFile {
	fileName: string;
	id: string;
	field: string;
	itemIndex: number;
}

/**
 * The failure of a read from n8n's binary data store, named as such, with the field and the store:
 * the store's own message says little on its own (PostgreSQL's, say), and for the database store
 * there is a way out to give.
 */
function binaryStoreError(context: IExecuteFunctions, error: unknown, file: StoredFile) {
	const cause = error instanceof Error ? error.message : String(error);
	const mode = file.id.split(':')[0];
	const store = STORE_NAMES[mode] ?? `n8n's "${mode}" binary data store`;
	const hint =
		mode === DATABASE_STORE_MODE
			? " n8n's database store (its default in queue mode) reads a whole file into memory, and PostgreSQL cannot hand back a file of about 512 MiB or more. For large files set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (one folder shared by main and workers) or s3."
			: '';
	return new NodeOperationError(
		context.getNode(),
		`Could not read "${file.fileName}" from n8n's binary data store`,
		{
			itemIndex: file.itemIndex,
			description: `Input Binary Field "${file.field}", ${store}: ${cause}.${hint}`,
		},
	);
}

/** A read from n8n's binary data store, its failure named by binaryStoreError. */
async function readBinaryStore<T>(
	context: IExecuteFunctions,
	read: () => Promise<T>,
	file: StoredFile,
): Promise<T> {
	try {
		return await read();
	} catch (error) {
		throw binaryStoreError(context, error, file);
	}
}

/**
 * The node's run in this execution (Loop Over Items runs it once per batch). n8n's contexts hold it
 * without a getter in the API of n8n-workflow this package builds on; 0 where it is not there.
 */
function runIndexOf(context: IExecuteFunctions): number {
	const runIndex = (context as unknown as { runIndex?: unknown }).runIndex;
	return typeof runIndex === 'number' ? runIndex : 0;
}

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
	const stored = { fileName, id: id ?? '', field: binaryPropertyName, itemIndex };
	const fromStore = <T>(read: () => Promise<T>) => readBinaryStore(this, read, stored);
	const size = id
		? (await fromStore(async () => await this.helpers.getBinaryMetadata(id))).fileSize
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
		open: async () =>
			id
				? await fromStore(async () => await this.helpers.getBinaryStream(id))
				: (inMemory as Buffer),
		readError: id ? (error) => binaryStoreError(this, error, stored) : undefined,
		position: [
			this.getExecutionId(),
			node.id,
			runIndexOf(this),
			itemIndex,
			binaryPropertyName,
			id ?? '',
		],
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const file = await fileOfItem.call(this, itemIndex);
	const asset = await uploadAsset.call(this, file, itemIndex);
	const options = (itemParameters(this, itemIndex).get('options', {}) ?? {}) as IDataObject;
	if (options.waitForProcessing === true && asset.status !== 'completed') {
		const seconds = Number(options.processingTimeout ?? PROCESSING_POLICY.defaultTimeoutSeconds);
		if (!(seconds > 0)) {
			throw new NodeOperationError(this.getNode(), 'Processing Timeout must be a positive number', {
				itemIndex,
				description: `It is ${String(options.processingTimeout)}. The asset ${asset.id} was uploaded.`,
			});
		}
		asset.status = await waitForProcessing.call(this, asset, seconds * 1000, itemIndex);
	}
	return [{ json: asset, pairedItem: { item: itemIndex } }];
}
