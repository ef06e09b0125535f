// @ts-check
/** Small workflows for the tests and benchmarks: Manual Trigger → HeyGen with the given parameters. */
'use strict';

/**
 * @param {string} id the workflow's id (16 characters, as n8n's are)
 * @param {Record<string, unknown>} parameters the HeyGen node's parameters (resource and operation are set)
 * @param {{ id: string, name: string }} credential the HeyGen API credential to use
 * @param {number} [typeVersion] the HeyGen node's version (1 unless said)
 */
function heyGenWorkflow(id, parameters, credential, typeVersion = 1) {
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-t`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-h`,
				name: 'HeyGen',
				type: 'n8n-nodes-heygen.heyGen',
				typeVersion,
				position: [220, 0],
				parameters: { resource: 'asset', operation: 'getAll', ...parameters },
				credentials: { heyGenApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
	};
}

/**
 * HeyGen Trigger (polling every minute) → HTTP Request that POSTs each item to the stand-in's sink.
 * @param {{ id: string, name: string, sinkUrl: string, credential: { id: string, name: string },
 *   typeVersion: number, parameters?: Record<string, unknown>, body?: string }} options
 *   `body` is the expression for what is delivered (the whole item unless said)
 */
function triggerToSinkWorkflow(options) {
	return {
		id: options.id,
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'trig',
				name: 'HeyGen Trigger',
				type: 'n8n-nodes-heygen.heyGenTrigger',
				typeVersion: options.typeVersion,
				position: [0, 0],
				parameters: {
					event: 'newAsset',
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					filters: {},
					...options.parameters,
				},
				credentials: { heyGenApi: options.credential },
			},
			{
				id: 'sink',
				name: 'Deliver',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				parameters: {
					method: 'POST',
					url: options.sinkUrl,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: options.body ?? '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: { 'HeyGen Trigger': { main: [[{ node: 'Deliver', type: 'main', index: 0 }]] } },
	};
}

/**
 * Read/Write Files from Disk, reading the files `fileSelector` matches (one item each, binary `data`).
 * @param {string} name @param {string} fileSelector
 */
function readFilesNode(name, fileSelector) {
	return {
		id: name,
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { fileSelector, options: {} },
	};
}

/**
 * Manual Trigger → Read Files from Disk (`fileSelector`) → HeyGen Upload, one asset per file; with
 * `upload` false, the HeyGen node is left out (a read-only baseline for the upload benchmark).
 * @param {string} id @param {string} fileSelector @param {{ id: string, name: string }} credential
 * @param {{ upload?: boolean }} [options]
 */
function uploadFromDiskWorkflow(id, fileSelector, credential, options = {}) {
	const workflow = heyGenWorkflow(id, { operation: 'upload' }, credential, 2);
	const [start, heyGen] = workflow.nodes;
	const read = { ...readFilesNode('Read', fileSelector), id: `${id}-r`, position: [110, 0] };
	const upload = options.upload ?? true;
	return {
		...workflow,
		nodes: upload ? [start, read, heyGen] : [start, read],
		connections: {
			Start: { main: [[{ node: 'Read', type: 'main', index: 0 }]] },
			...(upload ? { Read: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } } : {}),
		},
	};
}

/**
 * Webhook (POST /webhook/<path>, answering when the last node has run) → `nodes`, in a chain; each
 * node needs a unique name, its position is set here.
 * @param {{ id: string, path: string, nodes: Array<Record<string, any>>,
 *   responseData?: 'allEntries' | 'firstEntryJson' | 'firstEntryBinary', binaryBody?: boolean }} options
 *   `binaryBody`: the request's body is a file, kept as the item's binary `data`
 */
function webhookWorkflow(options) {
	const webhook = {
		id: `${options.id}-w`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `${options.id}-${options.path}`,
		parameters: {
			httpMethod: 'POST',
			path: options.path,
			responseMode: 'lastNode',
			responseData: options.responseData ?? 'allEntries',
			options: options.binaryBody ? { binaryData: true } : {},
		},
	};
	/** @type {Array<Record<string, any>>} */
	const chain = [webhook, ...options.nodes];
	const nodes = chain.map(
		(node, index) =>
			/** @type {Record<string, any>} */ ({
				...node,
				position: [index * 220, 0],
			}),
	);
	/** @type {Record<string, unknown>} */
	const connections = {};
	for (let index = 1; index < nodes.length; index++)
		connections[nodes[index - 1].name] = {
			main: [[{ node: nodes[index].name, type: 'main', index: 0 }]],
		};
	return {
		id: options.id,
		name: options.id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections,
	};
}

/**
 * A HeyGen node (version 2) for a chain.
 * @param {string} name @param {Record<string, unknown>} parameters @param {{ id: string, name: string }} credential
 */
function heyGenNode(name, parameters, credential) {
	return {
		id: name,
		name,
		type: 'n8n-nodes-heygen.heyGen',
		typeVersion: 2,
		parameters: { resource: 'asset', ...parameters },
		credentials: { heyGenApi: credential },
	};
}

module.exports = {
	heyGenWorkflow,
	heyGenNode,
	readFilesNode,
	triggerToSinkWorkflow,
	uploadFromDiskWorkflow,
	webhookWorkflow,
};
