// @ts-check
/** Small workflows for the tests and benchmarks, built from a few node builders and chainWorkflow. */
'use strict';

/**
 * A workflow of `nodes` run one after another (each node's output into the next), laid out in a
 * row; each node needs a unique name.
 * @param {string} id the workflow's id (16 characters, as n8n's are) @param {Array<Record<string, any>>} nodes
 * @param {string} [name] the workflow's name (its id unless said)
 */
function chainWorkflow(id, nodes, name = id) {
	/** @type {Record<string, unknown>} */
	const connections = {};
	for (let index = 1; index < nodes.length; index++)
		connections[nodes[index - 1].name] = {
			main: [[{ node: nodes[index].name, type: 'main', index: 0 }]],
		};
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: nodes.map((node, index) => ({ ...node, position: [index * 220, 0] })),
		connections,
	};
}

/**
 * A HeyGen node for a chain (an Asset operation unless `parameters` say otherwise).
 * @param {string} name @param {Record<string, unknown>} parameters @param {{ id: string, name: string }} credential
 * @param {number} [typeVersion] the node's version (2 unless said)
 */
function heyGenNode(name, parameters, credential, typeVersion = 2) {
	return {
		id: name,
		name,
		type: 'n8n-nodes-heygen.heyGen',
		typeVersion,
		parameters: { resource: 'asset', ...parameters },
		credentials: { heyGenApi: credential },
	};
}

/**
 * Manual Trigger → HeyGen with the given parameters.
 * @param {string} id the workflow's id (16 characters, as n8n's are)
 * @param {Record<string, unknown>} parameters the HeyGen node's parameters (resource and operation are set)
 * @param {{ id: string, name: string }} credential the HeyGen API credential to use
 * @param {number} [typeVersion] the HeyGen node's version (1 unless said)
 */
function heyGenWorkflow(id, parameters, credential, typeVersion = 1) {
	return chainWorkflow(id, [
		{
			id: `${id}-t`,
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			parameters: {},
		},
		{
			...heyGenNode('HeyGen', { operation: 'getAll', ...parameters }, credential, typeVersion),
			id: `${id}-h`,
		},
	]);
}

/**
 * HeyGen Trigger (polling every minute) → HTTP Request that POSTs each item to the stand-in's sink.
 * @param {{ id: string, name: string, sinkUrl: string, credential: { id: string, name: string },
 *   typeVersion: number, parameters?: Record<string, unknown>, body?: string }} options
 *   `body` is the expression for what is delivered (the whole item unless said)
 */
function triggerToSinkWorkflow(options) {
	const trigger = {
		id: 'trig',
		name: 'HeyGen Trigger',
		type: 'n8n-nodes-heygen.heyGenTrigger',
		typeVersion: options.typeVersion,
		parameters: {
			event: 'newAsset',
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			filters: {},
			...options.parameters,
		},
		credentials: { heyGenApi: options.credential },
	};
	return chainWorkflow(
		options.id,
		[trigger, sinkNode(options.sinkUrl, options.body)],
		options.name,
	);
}

/**
 * HTTP Request "Deliver" that POSTs each item to the stand-in's sink.
 * @param {string} sinkUrl @param {string} [body] the expression for what is delivered (the whole item unless said)
 */
function sinkNode(sinkUrl, body = '={{ JSON.stringify($json) }}') {
	return {
		id: 'sink',
		name: 'Deliver',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: sinkUrl,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: body,
			options: {},
		},
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
	const [start, heyGen] = heyGenWorkflow(id, { operation: 'upload' }, credential, 2).nodes;
	const read = { ...readFilesNode('Read', fileSelector), id: `${id}-r` };
	return chainWorkflow(id, (options.upload ?? true) ? [start, read, heyGen] : [start, read]);
}

/**
 * A Webhook trigger for POST /webhook/<path> that answers when the last node has run.
 * @param {string} id a prefix for the node's ids @param {string} path
 * @param {{ responseData?: 'allEntries' | 'firstEntryJson' | 'firstEntryBinary', binaryBody?: boolean }} [options]
 *   `binaryBody`: the request's body is a file, kept as the item's binary `data`
 */
function webhookNode(id, path, options = {}) {
	return {
		id: `${id}-w`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: `${id}-${path}`,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: options.responseData ?? 'allEntries',
			options: options.binaryBody ? { binaryData: true } : {},
		},
	};
}

/**
 * Webhook (see webhookNode) → `nodes`, in a chain.
 * @param {{ id: string, path: string, nodes: Array<Record<string, any>> } & Parameters<typeof webhookNode>[2]} options
 */
function webhookWorkflow(options) {
	return chainWorkflow(options.id, [
		webhookNode(options.id, options.path, options),
		...options.nodes,
	]);
}

module.exports = {
	chainWorkflow,
	heyGenWorkflow,
	webhookNode,
	heyGenNode,
	readFilesNode,
	sinkNode,
	triggerToSinkWorkflow,
	uploadFromDiskWorkflow,
	webhookWorkflow,
};
