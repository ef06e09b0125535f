import {
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { webhookTriggerMethods } from './methods';
import { createEndpoint, deleteEndpoint, endpointExists, receiveDelivery } from './trigger/webhook';

export class HeyGenWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Webhook Trigger',
		name: 'heyGenWebhookTrigger',
		icon: { light: 'file:heygen.svg', dark: 'file:heygen.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow the moment HeyGen sends an event (a render finished or failed), registered with HeyGen and verified',
		defaults: { name: 'HeyGen Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					'HeyGen delivers only to a public HTTPS URL: n8n must be reachable from the internet (set WEBHOOK_URL). Behind NAT, use the HeyGen Trigger, which polls.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event Names or IDs',
				name: 'events',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getWebhookEventTypes' },
				required: true,
				default: ['avatar_video.success', 'avatar_video.fail'],
				description:
					'The HeyGen events that start the workflow. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Fetch Video',
						name: 'fetchVideo',
						type: 'boolean',
						default: false,
						description:
							'Whether to add the video (GET /v3/videos/{video_id}, with fresh file URLs) to each event that names one, as the field video',
					},
				],
			},
		],
	};

	methods = webhookTriggerMethods;

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await endpointExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createEndpoint.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteEndpoint.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}
