import { getWebhookEventTypes } from './eventTypes';
import * as listSearch from './listSearch';

/** The list searches of the HeyGen node and the HeyGen Trigger (the pickers of folders and assets). */
export const methods = { listSearch };

/** The HeyGen Webhook Trigger's events picker. */
export const webhookTriggerMethods = { loadOptions: { getWebhookEventTypes } };
