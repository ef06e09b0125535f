import type { IDataObject } from 'n8n-workflow';

import type { HeyGenContext } from '../execution';
import {
	asNodeError,
	isNotFound,
	MAX_PAGE_SIZE,
	type Page,
	requestLabel,
	walkPages,
} from '../helpers';
import { heyGenApiRequest } from '../transport';
import { endlessPagesError, unexpected, v3NextToken } from './assets';

/** HeyGen's webhook endpoints (api-notes, "Webhooks": its webhooks guide and gen/webhook.go). */
export const WEBHOOK_ENDPOINTS = '/v3/webhooks/endpoints';
export const WEBHOOK_EVENT_TYPES = '/v3/webhooks/event-types';

/** The event types offered where HeyGen's list of them cannot be read. */
export const KNOWN_EVENT_TYPES = [
	{ event_type: 'avatar_video.success', description: 'A video render succeeded' },
	{ event_type: 'avatar_video.fail', description: 'A video render failed' },
	{ event_type: 'avatar_video_gif.success', description: 'A GIF render succeeded' },
	{ event_type: 'avatar_video_gif.fail', description: 'A GIF render failed' },
	{ event_type: 'video_translate.success', description: 'A video translation succeeded' },
	{ event_type: 'video_translate.fail', description: 'A video translation failed' },
] as const;

/** An endpoint as HeyGen lists it (its secret is shown only when created or rotated). */
export interface WebhookEndpoint {
	endpoint_id: string;
	url: string;
	events: string[] | null;
	status?: string;
}

const endpointPath = (endpointId: string) =>
	`${WEBHOOK_ENDPOINTS}/${encodeURIComponent(endpointId)}`;

const jsonBody = (value: IDataObject) => ({
	headers: { 'content-type': 'application/json' },
	body: () => JSON.stringify(value),
});

function isEndpoint(value: unknown): value is WebhookEndpoint {
	const endpoint = value as WebhookEndpoint | null;
	return typeof endpoint?.endpoint_id === 'string' && typeof endpoint.url === 'string';
}

/** Every page of a v3 list endpoint, MAX_PAGE_SIZE at a time. */
async function listAll(
	this: HeyGenContext,
	endpoint: string,
	what: string,
): Promise<IDataObject[]> {
	const fetchPage = async (token: string | undefined): Promise<Page<IDataObject>> => {
		const qs: IDataObject = { limit: MAX_PAGE_SIZE };
		if (token !== undefined) qs.token = token;
		const body = await heyGenApiRequest.call(this, { endpoint, qs });
		const end = v3NextToken(body.has_more, body.next_token);
		if (!Array.isArray(body.data) || 'problem' in end) {
			const problem = 'problem' in end ? end.problem : 'without a data list';
			throw unexpected(
				this,
				'HeyGen returned an unexpected response',
				`GET ${endpoint} answered ${problem}.`,
			);
		}
		return { items: body.data as IDataObject[], next: end.next };
	};
	const walked = await walkPages(fetchPage, {}, endlessPagesError(this, endpoint, what));
	return walked.items;
}

/** GET /v3/webhooks/endpoints: every endpoint of the account. */
export async function listWebhookEndpoints(this: HeyGenContext): Promise<WebhookEndpoint[]> {
	const items: unknown[] = await listAll.call(this, WEBHOOK_ENDPOINTS, 'endpoints');
	return items.flatMap((item) => (isEndpoint(item) ? [item] : []));
}

/** POST /v3/webhooks/endpoints: registers `url` for `events`; HeyGen shows the secret only here. */
export async function createWebhookEndpoint(
	this: HeyGenContext,
	url: string,
	events: string[],
): Promise<{ endpointId: string; secret: string }> {
	const request = {
		method: 'POST' as const,
		endpoint: WEBHOOK_ENDPOINTS,
		...jsonBody({ url, events }),
	};
	const body = await heyGenApiRequest.call(this, request);
	const data = body.data as IDataObject | undefined;
	if (!isEndpoint(data) || typeof data.secret !== 'string' || data.secret === '') {
		// The answer holds the secret: it is described, never quoted.
		throw unexpected(
			this,
			'HeyGen did not register the webhook',
			`${requestLabel(request)} answered without an endpoint_id, url and secret.`,
		);
	}
	return { endpointId: data.endpoint_id, secret: data.secret };
}

/** PATCH /v3/webhooks/endpoints/{endpoint_id}: the events, replaced whole. */
export async function updateWebhookEvents(
	this: HeyGenContext,
	endpointId: string,
	events: string[],
) {
	await heyGenApiRequest.call(this, {
		method: 'PATCH',
		endpoint: endpointPath(endpointId),
		...jsonBody({ events }),
	});
}

/** DELETE /v3/webhooks/endpoints/{endpoint_id}; one already gone (404) is what was wanted. */
export async function deleteWebhookEndpoint(this: HeyGenContext, endpointId: string) {
	try {
		await heyGenApiRequest.call(this, { method: 'DELETE', endpoint: endpointPath(endpointId) });
	} catch (error) {
		if (!isNotFound(error)) throw asNodeError(this.getNode(), error);
	}
}

/** GET /v3/webhooks/event-types: HeyGen's event types, or the known ones where it does not answer. */
export async function webhookEventTypes(
	this: HeyGenContext,
): Promise<Array<{ event_type: string; description: string }>> {
	try {
		const items = await listAll.call(this, WEBHOOK_EVENT_TYPES, 'event types');
		const types = items
			.filter((item) => typeof item.event_type === 'string' && item.event_type !== '')
			.map((item) => ({
				event_type: String(item.event_type),
				description: typeof item.description === 'string' ? item.description : '',
			}));
		if (types.length > 0) return types;
	} catch (error) {
		this.logger.debug('HeyGen did not list its webhook event types; offering the known ones', {
			error: error instanceof Error ? error.message : String(error),
		});
	}
	return KNOWN_EVENT_TYPES.map((type) => ({ ...type }));
}
