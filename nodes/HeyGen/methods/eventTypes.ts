import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { webhookEventTypes } from '../api';

/** The events picker of the HeyGen Webhook Trigger: HeyGen's event types, or the known ones. */
export async function getWebhookEventTypes(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const types = await webhookEventTypes.call(this);
	return types.map(({ event_type, description }) => ({
		name: event_type,
		value: event_type,
		description,
	}));
}
