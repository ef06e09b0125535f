import {
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { apiVersionProperties, assetFiltersProperty } from './actions/common.descriptions';
import { LATEST_NODE_VERSION, NODES_PANEL_DESCRIPTION } from './actions/constants';
import { methods } from './methods';
import { pollNewAssets } from './trigger/poll';
import { pollVideoEvent } from './trigger/videoPoll';

/** Shows a property only for one event (and whatever it shows for already). */
function onlyFor(event: string) {
	return (property: INodeProperties): INodeProperties => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, event: [event] },
		},
	});
}

const lookBackProperty: INodeProperties = {
	displayName: 'Look-Back Window (Minutes)',
	name: 'lookBackMinutes',
	type: 'number',
	// n8n's lint rules want a literal: it is DEFAULT_LOOK_BACK_MINUTES (a unit test holds them together).
	default: 60,
	typeOptions: { minValue: 0, maxValue: 10080, numberPrecision: 0 },
	description:
		'An asset that appears late with an older upload time (a video that finished processing after a newer upload) is still emitted, once, if it is at most this much older than the newest asset seen. Longer windows read more pages per poll.',
};

export class HeyGenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Trigger',
		name: 'heyGenTrigger',
		icon: { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: LATEST_NODE_VERSION,
		subtitle:
			'={{ ({ newAsset: "New asset", videoCompleted: "Video completed", videoFailed: "Video failed" })[$parameter["event"]] }}',
		description: NODES_PANEL_DESCRIPTION,
		defaults: { name: 'HeyGen Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{
						name: 'New Asset',
						value: 'newAsset',
						description: 'An asset was uploaded or created since the last check',
					},
					{
						name: 'Video Completed',
						value: 'videoCompleted',
						description:
							'A render finished since the last check (renders started before activation included)',
					},
					{
						name: 'Video Failed',
						value: 'videoFailed',
						description: 'A render failed since the last check',
					},
				],
				default: 'newAsset',
			},
			...[...apiVersionProperties, assetFiltersProperty, lookBackProperty].map(onlyFor('newAsset')),
		],
	};

	methods = methods;

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event', 'newAsset');
		if (event === 'videoCompleted' || event === 'videoFailed')
			return await pollVideoEvent.call(this, event);
		return await pollNewAssets.call(this);
	}
}
