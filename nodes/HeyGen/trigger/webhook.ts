import {
	type IDataObject,
	type IHookFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeOperationError,
} from 'n8n-workflow';

import {
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	getVideo,
	listWebhookEndpoints,
	updateWebhookEvents,
} from '../api';
import { asNodeError, DELIVERY_HEADERS, verifyDelivery } from '../helpers';
import { takeEvent } from './eventMemory';

/** The endpoint registered for one webhook URL of the trigger (production or test). */
interface Registration {
	endpointId: string;
	secret: string;
	/** Registered for "Listen for test event" (n8n's manual mode), not for the active workflow. */
	test?: boolean;
}
type Registrations = Record<string, Registration>;

type WebhookContext = IHookFunctions | IWebhookFunctions;

function webhookUrl(context: WebhookContext): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url)
		throw new NodeOperationError(context.getNode(), 'n8n gave no webhook URL for this node');
	return url;
}

/** Registrations by URL: the test URL ("Listen for test event") never touches the production one. */
function registrations(context: WebhookContext): Registrations {
	const stored = context.getWorkflowStaticData('node').registrations;
	return stored && typeof stored === 'object' ? { ...(stored as Registrations) } : {};
}

/** Saves a registration (or its removal); assigned whole, as n8n notices only that. */
function register(context: WebhookContext, url: string, registration?: Registration) {
	const others = Object.fromEntries(
		Object.entries(registrations(context)).filter(([registered]) => registered !== url),
	);
	context.getWorkflowStaticData('node').registrations = registration
		? { ...others, [url]: registration }
		: others;
}

/** The chosen events, checked: a list of event types, at least one. */
export function readEvents(context: WebhookContext): string[] {
	const events = context.getNodeParameter('events', []) as unknown;
	const valid =
		Array.isArray(events) &&
		events.length > 0 &&
		events.every((event) => typeof event === 'string' && event.trim() !== '');
	if (!valid) {
		throw new NodeOperationError(context.getNode(), 'Choose at least one event', {
			description: 'Events must be a list of HeyGen event types, such as avatar_video.success.',
		});
	}
	return (events as string[]).map((event) => event.trim());
}

const sameEvents = (a: string[] | null, b: string[]) =>
	a !== null && a.length === b.length && b.every((event) => a.includes(event));

/**
 * Whether HeyGen holds this trigger's endpoint for its URL, with a secret the trigger knows. Any
 * other endpoint for the URL (created by an attempt whose answer was lost, or whose secret was lost)
 * is deleted: its deliveries could not be verified, and n8n creates one anew when this says false.
 */
export async function endpointExists(this: IHookFunctions): Promise<boolean> {
	const url = webhookUrl(this);
	const events = readEvents(this);
	const mine = registrations(this)[url];
	const forUrl = (await listWebhookEndpoints.call(this)).filter((endpoint) => endpoint.url === url);
	// A disabled endpoint delivers nothing: deleted, and registered anew.
	const kept = forUrl.find(
		(endpoint) => endpoint.endpoint_id === mine?.endpointId && endpoint.status !== 'disabled',
	);
	for (const endpoint of forUrl)
		if (endpoint !== kept) await deleteWebhookEndpoint.call(this, endpoint.endpoint_id);
	if (!kept) {
		register(this, url);
		return false;
	}
	if (!sameEvents(kept.events, events))
		await updateWebhookEvents.call(this, kept.endpoint_id, events);
	return true;
}

/**
 * The active workflow's endpoints for URLs it no longer has (n8n restarted with another
 * WEBHOOK_URL): deleted, or HeyGen would go on delivering to, and retrying, an old address.
 */
async function forgetMovedEndpoints(context: IHookFunctions, url: string) {
	const moved = Object.entries(registrations(context)).filter(
		([registered, registration]) => registered !== url && registration.test !== true,
	);
	for (const [registered, registration] of moved) {
		await deleteWebhookEndpoint.call(context, registration.endpointId);
		register(context, registered);
	}
}

/** Registers the URL with HeyGen and keeps the endpoint's id and secret; never two for one URL. */
export async function createEndpoint(this: IHookFunctions): Promise<boolean> {
	const url = webhookUrl(this);
	const test = this.getMode() === 'manual';
	if (!test) await forgetMovedEndpoints(this, url);
	const created = await createWebhookEndpoint.call(this, url, readEvents(this));
	register(this, url, { ...created, test });
	// A create retried after its answer was lost may have registered the URL twice.
	const others = (await listWebhookEndpoints.call(this)).filter(
		(endpoint) => endpoint.url === url && endpoint.endpoint_id !== created.endpointId,
	);
	for (const endpoint of others) await deleteWebhookEndpoint.call(this, endpoint.endpoint_id);
	return true;
}

/** Deletes the URL's endpoint in HeyGen (one already gone is fine) and forgets it. */
export async function deleteEndpoint(this: IHookFunctions): Promise<boolean> {
	const url = webhookUrl(this);
	const mine = registrations(this)[url];
	if (!mine) return true;
	try {
		await deleteWebhookEndpoint.call(this, mine.endpointId);
	} catch (error) {
		this.logger.warn('Could not delete the HeyGen webhook endpoint', {
			endpointId: mine.endpointId,
			error: error instanceof Error ? error.message : String(error),
		});
		return false;
	}
	register(this, url);
	return true;
}

/** A header as one string (Node gives a repeated one as a list). */
function header(context: IWebhookFunctions, name: string): string | undefined {
	const value = context.getHeaderData()[name];
	return Array.isArray(value) ? value[0] : value;
}

/** The body as it arrived: n8n keeps it as rawBody once it has read it. */
function rawBodyOf(context: IWebhookFunctions): Buffer | undefined {
	const { rawBody } = context.getRequestObject() as { rawBody?: unknown };
	if (Buffer.isBuffer(rawBody)) return rawBody;
	return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : undefined;
}

/**
 * Answers HeyGen from the node, before n8n starts a run. n8n saves the static data a webhook call
 * changed when the answer is given; when it starts the run first, the new run's copy of the static
 * data marks it unchanged and the taken event id is not saved (seen in n8n 1.123 and 2.41).
 */
function answer(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
	workflowData?: IWebhookResponseData['workflowData'],
): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return workflowData ? { workflowData, noWebhookResponse: true } : { noWebhookResponse: true };
}

function refuse(context: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	context.logger.warn(`HeyGen Webhook Trigger refused a delivery: ${reason}`, {
		workflowId: context.getWorkflow().id,
	});
	return answer(context, status, { message: reason });
}

function parseEvent(rawBody: Buffer): IDataObject | undefined {
	try {
		const body = JSON.parse(rawBody.toString('utf8')) as unknown;
		return body && typeof body === 'object' && !Array.isArray(body)
			? (body as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/** The event, with its video from GET /v3/videos/{video_id} when Fetch Video is on and it names one. */
async function withVideo(context: IWebhookFunctions, event: IDataObject): Promise<IDataObject> {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const videoId = (event.event_data as IDataObject | undefined)?.video_id;
	if (options.fetchVideo !== true || typeof videoId !== 'string' || videoId === '') return event;
	try {
		return { ...event, video: await getVideo.call(context, videoId) };
	} catch (error) {
		// HeyGen has had its answer (within its 10 s): the event still runs, saying why no video.
		return { ...event, fetch_video_error: asNodeError(context.getNode(), error).message };
	}
}

/**
 * The registration whose secret signed the delivery, and the verdict. A call to the test URL comes
 * with the production URL from n8n-core's WebhookContext, so each registration's secret is tried
 * (production and test, two at most); the refusal shown is the first one's.
 */
function verifiedBy(context: IWebhookFunctions, rawBody: Buffer | undefined) {
	const delivery = {
		rawBody,
		signature: header(context, DELIVERY_HEADERS.signature),
		timestamp: header(context, DELIVERY_HEADERS.timestamp),
		eventId: header(context, DELIVERY_HEADERS.eventId),
	};
	const now = Math.floor(Date.now() / 1000);
	const tried = Object.values(registrations(context)).map((registration) => ({
		registration,
		verdict: verifyDelivery(delivery, registration.secret, now),
	}));
	return tried.find(({ verdict }) => verdict.accepted) ?? tried[0];
}

/**
 * One delivery: verified against the secret of the endpoint it came to, taken once by the event id
 * its signed body names, answered, then one item — or refused (401, 400), or answered 2xx and
 * nothing started (a redelivery, an event not chosen).
 */
export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const rawBody = rawBodyOf(this);
	const checked = verifiedBy(this, rawBody);
	if (!checked) return refuse(this, 401, 'no HeyGen endpoint is registered for this URL');
	const { registration, verdict } = checked;
	if (!verdict.accepted) return refuse(this, verdict.status, verdict.reason);
	const event = rawBody && parseEvent(rawBody);
	if (!event) return refuse(this, 400, 'the body is not a JSON object');
	// The header is not signed: the id that counts is the one in the signed body.
	const eventId = typeof event.event_id === 'string' ? event.event_id : verdict.eventId;
	const events = readEvents(this);
	// Per endpoint: HeyGen sends one event to the test URL and the production URL alike.
	if (!takeEvent(this, `${registration.endpointId}/${eventId}`))
		return answer(this, 200, { received: 'again' });
	if (!events.includes(String(event.event_type)))
		return answer(this, 200, { received: 'not chosen' });
	// Answered before Fetch Video: HeyGen waits 10 s at most, and a GET may retry for longer.
	this.getResponseObject().status(200).json({ received: 'started' });
	return { workflowData: [[{ json: await withVideo(this, event) }]], noWebhookResponse: true };
}
