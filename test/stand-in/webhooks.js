// @ts-check
/**
 * HeyGen's webhooks in the stand-in (api-notes, "Webhooks"): `/v3/webhooks/endpoints` (create, list,
 * update, delete, rotate-secret), `/v3/webhooks/event-types`, and deliveries to the registered URLs
 * signed as HeyGen signs them (hex HMAC-SHA256 of the raw body with the endpoint's secret), retried
 * with backoff until a 2xx. Tests also forge, replay and age deliveries through `sendDelivery`.
 */
'use strict';

const crypto = require('node:crypto');

/** HeyGen's default page size for the endpoint list (its spec). */
const ENDPOINT_PAGE_SIZE = 10;
/** HeyGen waits this long for a 2xx before it counts an attempt as failed (its guide). */
const DELIVERY_TIMEOUT_MS = 10_000;

const EVENT_TYPES = [
	['avatar_video.success', 'A video render succeeded'],
	['avatar_video.fail', 'A video render failed'],
	['avatar_video_gif.success', 'A GIF render succeeded'],
	['avatar_video_gif.fail', 'A GIF render failed'],
	['video_translate.success', 'A video translation succeeded'],
	['video_translate.fail', 'A video translation failed'],
	['personalized_video', 'A personalized video finished'],
].map(([event_type, description]) => ({ event_type, description }));

/**
 * How deliveries are retried: HeyGen retries with exponential backoff for up to 24 hours; the
 * stand-in's defaults are short so that a test sees its retries.
 * @typedef {object} WebhookBehaviour
 * @property {number} deliveryAttempts attempts per event at most (default 5)
 * @property {number} deliveryBackoffMs the wait before retry n is this × 2^n (default 200)
 * @property {boolean} eventTypesServed whether GET /v3/webhooks/event-types answers (default true)
 */
/** @type {WebhookBehaviour} */
const WEBHOOK_BEHAVIOUR = { deliveryAttempts: 5, deliveryBackoffMs: 200, eventTypesServed: true };

/**
 * @typedef {object} Endpoint
 * @property {string} endpoint_id
 * @property {string} url
 * @property {string[] | null} events null: every event
 * @property {'enabled' | 'disabled'} status
 * @property {string} created_at
 * @property {string} secret
 */
/**
 * @typedef {object} Attempt one POST of a delivery, as the receiver answered it
 * @property {string} eventId
 * @property {string} endpointId
 * @property {number} status 0 when the receiver could not be reached or did not answer in time
 * @property {number} at ms on the server's clock
 */

/** Whether HeyGen would take this URL: HTTPS, or (the stand-in only, for tests) http on loopback. @param {unknown} url */
function acceptableUrl(url) {
	if (typeof url !== 'string') return false;
	try {
		const parsed = new URL(url);
		if (parsed.protocol === 'https:') return true;
		return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(parsed.hostname);
	} catch {
		return false;
	}
}

/** The signature HeyGen puts in Heygen-Signature. @param {string} secret @param {string | Buffer} body */
function sign(secret, body) {
	return crypto.createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * @param {{ behaviour: WebhookBehaviour, clockNow: () => number,
 *   pageSize: (query: Record<string, string>, name: string, fallback: number, version?: 'v1' | 'v3') => number,
 *   encodeToken: (value: unknown) => string, decodeToken: (token: string) => any,
 *   v3Error: (code: string, message: string, param?: string | null) => unknown,
 *   HttpError: new (status: number, body: unknown) => Error & { status: number, body: unknown } }} server
 */
function createWebhookService(server) {
	const { behaviour } = server;
	/** @type {Endpoint[]} */
	let endpoints = [];
	/** @type {Attempt[]} every delivery attempt, in order */
	const attempts = [];
	/** Retries waiting, so that reset and close can stop them. @type {Set<NodeJS.Timeout>} */
	const pending = new Set();

	const invalid = (/** @type {string} */ message, /** @type {string} */ param) =>
		new server.HttpError(400, server.v3Error('validation_error', message, param));

	/** @param {string} id */
	function find(id) {
		const endpoint = endpoints.find((candidate) => candidate.endpoint_id === id);
		if (!endpoint)
			throw new server.HttpError(404, server.v3Error('not_found', `No endpoint ${id}`));
		return endpoint;
	}

	/** @param {unknown} events */
	function checkEvents(events) {
		if (events === null || events === undefined) return null;
		const known = EVENT_TYPES.map((type) => type.event_type);
		if (!Array.isArray(events) || events.some((event) => !known.includes(event)))
			throw invalid(`events must be a list of ${known.join(', ')}`, 'events');
		return events.slice();
	}

	/** An endpoint as lists show it: no secret. @param {Endpoint} endpoint */
	const listed = (endpoint) => ({ ...endpoint, secret: null });

	/** @param {Record<string, string>} query */
	function list(query) {
		const limit = server.pageSize(query, 'limit', ENDPOINT_PAGE_SIZE, 'v3');
		const token = query.token ? server.decodeToken(query.token) : { q: 'webhooks', o: 0 };
		if (!token || token.q !== 'webhooks') throw invalid('token is not valid', 'token');
		const page = endpoints.slice(token.o, token.o + limit);
		const more = token.o + limit < endpoints.length;
		return {
			data: page.map(listed),
			has_more: more,
			next_token: more ? server.encodeToken({ q: 'webhooks', o: token.o + limit }) : null,
		};
	}

	/** @param {Record<string, unknown>} body */
	function create(body) {
		if (!acceptableUrl(body.url)) throw invalid('url must be an HTTPS URL', 'url');
		/** @type {Endpoint} */
		const endpoint = {
			endpoint_id: crypto.randomBytes(12).toString('hex'),
			url: /** @type {string} */ (body.url),
			events: checkEvents(body.events),
			status: 'enabled',
			created_at: new Date(server.clockNow()).toISOString(),
			secret: `whsec_${crypto.randomBytes(24).toString('hex')}`,
		};
		endpoints.push(endpoint);
		return { data: { ...endpoint } };
	}

	/** @param {string} id @param {Record<string, unknown>} body */
	function update(id, body) {
		const endpoint = find(id);
		if (body.url !== undefined) {
			if (!acceptableUrl(body.url)) throw invalid('url must be an HTTPS URL', 'url');
			endpoint.url = /** @type {string} */ (body.url);
		}
		if (body.events !== undefined) endpoint.events = checkEvents(body.events);
		return { data: listed(endpoint) };
	}

	/**
	 * Answers a webhook route, or undefined for any other path.
	 * @param {string} method @param {string} path @param {Record<string, string>} query
	 * @param {() => Promise<Record<string, unknown>>} readBody
	 * @returns {Promise<{ status: number, body: unknown } | undefined>}
	 */
	async function answer(method, path, query, readBody) {
		if (!path.startsWith('/v3/webhooks/')) return undefined;
		const one = /^\/v3\/webhooks\/endpoints\/([^/]+)(\/rotate-secret)?$/.exec(path);
		try {
			if (path === '/v3/webhooks/event-types' && method === 'GET' && behaviour.eventTypesServed)
				return { status: 200, body: { data: EVENT_TYPES, has_more: false, next_token: null } };
			if (path === '/v3/webhooks/endpoints' && method === 'GET')
				return { status: 200, body: list(query) };
			if (path === '/v3/webhooks/endpoints' && method === 'POST')
				return { status: 200, body: create(await readBody()) };
			if (!one) return undefined;
			const id = decodeURIComponent(one[1]);
			if (one[2] && method === 'POST') {
				const endpoint = find(id);
				endpoint.secret = `whsec_${crypto.randomBytes(24).toString('hex')}`;
				return { status: 200, body: { data: { endpoint_id: id, secret: endpoint.secret } } };
			}
			if (method === 'PATCH') return { status: 200, body: update(id, await readBody()) };
			if (method === 'DELETE') {
				find(id);
				endpoints = endpoints.filter((endpoint) => endpoint.endpoint_id !== id);
				return { status: 200, body: { data: { endpoint_id: id } } };
			}
			return undefined;
		} catch (error) {
			if (error instanceof server.HttpError) return { status: error.status, body: error.body };
			throw error;
		}
	}

	/**
	 * One POST to a URL, as HeyGen sends a delivery; resolves with the status (0: no answer in time).
	 * @param {string} url @param {string | Buffer} body @param {Record<string, string>} headers
	 */
	async function sendDelivery(url, body, headers) {
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body,
				signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
			});
			await response.arrayBuffer();
			return response.status;
		} catch {
			return 0;
		}
	}

	/**
	 * A delivery's body and headers, signed with `secret` as HeyGen signs one.
	 * @param {string} secret @param {{ event_id: string, event_type: string, event_data: unknown, created_at?: number }} event
	 * @param {{ timestampSeconds?: number }} [options]
	 */
	function signedDelivery(secret, event, options = {}) {
		const body = JSON.stringify({
			event_id: event.event_id,
			event_type: event.event_type,
			event_data: event.event_data,
			created_at: event.created_at ?? Math.floor(server.clockNow() / 1000),
		});
		const timestamp = options.timestampSeconds ?? Math.floor(server.clockNow() / 1000);
		return {
			body,
			headers: {
				'heygen-signature': sign(secret, body),
				'heygen-timestamp': String(timestamp),
				'heygen-event-id': event.event_id,
			},
		};
	}

	/**
	 * Delivers one event to every enabled endpoint subscribed to it, retrying each until a 2xx or
	 * `deliveryAttempts`; each attempt is signed anew with a fresh timestamp. Resolves when the
	 * first attempts are answered (retries go on in the background).
	 * @param {string} eventType @param {Record<string, unknown>} eventData @param {{ eventId?: string }} [options]
	 */
	async function emit(eventType, eventData, options = {}) {
		const event = {
			event_id: options.eventId ?? `evt_${crypto.randomBytes(12).toString('hex')}`,
			event_type: eventType,
			event_data: eventData,
			created_at: Math.floor(server.clockNow() / 1000),
		};
		const targets = endpoints.filter(
			(endpoint) =>
				endpoint.status === 'enabled' && (endpoint.events ?? [eventType]).includes(eventType),
		);
		/** @param {Endpoint} endpoint @param {number} attempt */
		const attemptOnce = async (endpoint, attempt) => {
			const { body, headers } = signedDelivery(endpoint.secret, event);
			const status = await sendDelivery(endpoint.url, body, headers);
			attempts.push({
				eventId: event.event_id,
				endpointId: endpoint.endpoint_id,
				status,
				at: server.clockNow(),
			});
			if ((status >= 200 && status < 300) || attempt + 1 >= behaviour.deliveryAttempts) return;
			const timer = setTimeout(
				() => {
					pending.delete(timer);
					if (endpoints.includes(endpoint)) void attemptOnce(endpoint, attempt + 1);
				},
				behaviour.deliveryBackoffMs * 2 ** attempt,
			);
			timer.unref();
			pending.add(timer);
		};
		await Promise.all(targets.map(async (endpoint) => await attemptOnce(endpoint, 0)));
		return { ...event, endpoints: targets.map((endpoint) => endpoint.endpoint_id) };
	}

	const stopRetries = () => {
		for (const timer of pending) clearTimeout(timer);
		pending.clear();
	};

	return {
		answer,
		stopRetries,
		/** Back to no endpoints, no attempts, no retries waiting. */
		reset() {
			stopRetries();
			endpoints = [];
			attempts.length = 0;
		},
		/** The endpoints as HeyGen holds them, secrets included (a test signs with them). */
		endpoints: () => endpoints.map((endpoint) => ({ ...endpoint })),
		/** The members the stand-in's API object gains. */
		api: {
			webhookAttempts: attempts,
			emitWebhookEvent: emit,
			signedDelivery,
			sendDelivery,
			/** Deletes an endpoint as HeyGen's app does, unknown to the node. @param {string} id */
			removeWebhookEndpoint(id) {
				endpoints = endpoints.filter((endpoint) => endpoint.endpoint_id !== id);
			},
		},
	};
}

module.exports = {
	createWebhookService,
	signWebhookBody: sign,
	WEBHOOK_BEHAVIOUR,
	WEBHOOK_EVENT_TYPES: EVENT_TYPES,
};
