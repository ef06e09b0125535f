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

module.exports = { heyGenWorkflow };
