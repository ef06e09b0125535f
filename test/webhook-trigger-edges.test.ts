/**
 * The HeyGen Webhook Trigger at its edges: a replayed body under another (unsigned) event id, the
 * test URL's own endpoint and memory, a WEBHOOK_URL that changed, a slow Fetch Video against HeyGen's
 * 10 s, and an endpoint HeyGen lists as disabled.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';

import { heyGenWebhookTrigger } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeEach(async () => {
	standIn = await startStandIn({ assets: 1, folders: 1, videos: 5, seed: 24 });
});
afterEach(async () => {
	jest.restoreAllMocks();
	await standIn.close();
});

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });

const event = (id: string, type = 'avatar_video.success', videoId = 'v1') => ({
	event_id: id,
	event_type: type,
	event_data: { video_id: videoId, url: 'https://files.example/v.mp4', callback_id: null },
});

describe('deliveries and endpoints at their edges', () => {
	it('a captured delivery replayed with another Heygen-Event-Id header (unsigned) starts no second run', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		await trigger.activate();
		const [endpoint] = standIn.webhookEndpoints;
		const delivery = standIn.signedDelivery(endpoint.secret, event('evt_real'));
		expect(
			(await trigger.deliver(delivery.body, delivery.headers)).result.workflowData,
		).toHaveLength(1);
		// An attacker who saw the delivery replays its signed body and signature; neither the
		// timestamp nor the event id header is signed, so it sets a fresh one of each.
		const replay = {
			...delivery.headers,
			'heygen-timestamp': String(Math.floor(Date.now() / 1000)),
			'heygen-event-id': 'evt_anything_else',
		};
		const call = await trigger.deliver(delivery.body, replay);
		expect(call.result.workflowData).toBeUndefined();
	});

	it('Listen for test event: a delivery HeyGen signed for the test endpoint runs', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		await trigger.activate(true); // "Listen for test event" on an inactive workflow
		const [test] = standIn.webhookEndpoints;
		expect(test.url).toBe(trigger.url(true));
		const delivery = standIn.signedDelivery(test.secret, event('evt_test'));
		const call = await trigger.deliver(delivery.body, delivery.headers, true);
		expect(call.status).toBe(200);
		expect(call.result.workflowData).toHaveLength(1);
	});

	it('an event taken at the test URL while listening still runs at the production URL', async () => {
		// Look the registration up by the URL the call came to, as the node means to (WebhookContext's
		// getNodeWebhookUrl gives the production URL even for a test call; see the test above).
		jest.spyOn(WebhookContext.prototype, 'getNodeWebhookUrl').mockImplementation(function (
			this: WebhookContext,
			name: Parameters<WebhookContext['getNodeWebhookUrl']>[0],
		) {
			return this.getWebhookResourceUrl(name);
		});
		const trigger = heyGenWebhookTrigger(credentials(), {});
		await trigger.activate();
		await trigger.activate(true);
		const byUrl = (url: string) => standIn.webhookEndpoints.find((e) => e.url === url)!;
		const production = byUrl(trigger.url());
		const test = byUrl(trigger.url(true));
		// HeyGen sends one event (one event id) to every endpoint subscribed to it.
		const toTest = standIn.signedDelivery(test.secret, event('evt_both'));
		expect(
			(await trigger.deliver(toTest.body, toTest.headers, true)).result.workflowData,
		).toHaveLength(1);
		const toProduction = standIn.signedDelivery(production.secret, event('evt_both'));
		const call = await trigger.deliver(toProduction.body, toProduction.headers, false, true);
		expect(call.body).toEqual({ received: 'started' });
		expect(call.result.workflowData).toHaveLength(1);
	});

	it('after the webhook URL changes (WEBHOOK_URL, restart), the old endpoint is deleted in HeyGen', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		await trigger.activate();
		expect(standIn.webhookEndpoints).toHaveLength(1);
		// n8n restarted with another WEBHOOK_URL: the same workflow, now given another URL.
		const moved = trigger.url().replace('127.0.0.1', 'localhost');
		jest.spyOn(HookContext.prototype, 'getNodeWebhookUrl').mockReturnValue(moved);
		await trigger.activate();
		expect(standIn.webhookEndpoints.map((e) => e.url)).toEqual([moved]);
	});

	it('answers HeyGen before Fetch Video is done, so that a slow fetch cannot take it past 10 s', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), { options: { fetchVideo: true } });
		await trigger.activate();
		const [endpoint] = standIn.webhookEndpoints;
		const video = standIn.videos[0];
		const fetchMs = 3000;
		standIn.addFault({ kind: 'slow', delayMs: fetchMs, path: `/v3/videos/${video.id}` });
		const delivery = standIn.signedDelivery(
			endpoint.secret,
			event('evt_slow', undefined, video.id),
		);
		const started = Date.now();
		const call = await trigger.deliver(delivery.body, delivery.headers);
		expect(call.status).toBe(200);
		expect((call.answeredAt ?? Infinity) - started).toBeLessThan(fetchMs / 2);
		// The run still gets the video, later.
		expect(call.result.workflowData?.[0][0].json.video).toMatchObject({ id: video.id });
	}, 30_000);
});

describe('an endpoint HeyGen lists as disabled', () => {
	let proxy: Server;
	let proxyUrl: string;
	const disabled = new Set<string>();

	beforeEach(async () => {
		disabled.clear();
		// In front of the stand-in: lists the endpoints in `disabled` as HeyGen lists a disabled one.
		proxy = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				void (async () => {
					const headers: Record<string, string> = {};
					for (const [k, v] of Object.entries(req.headers))
						if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
					const upstream = await fetch(`${standIn.url}${req.url}`, {
						method: req.method,
						headers,
						body: chunks.length ? Buffer.concat(chunks) : undefined,
					});
					let text = await upstream.text();
					if (req.method === 'GET' && req.url?.startsWith('/v3/webhooks/endpoints')) {
						const body = JSON.parse(text) as {
							data: Array<{ endpoint_id: string; status: string }>;
						};
						for (const endpoint of body.data)
							if (disabled.has(endpoint.endpoint_id)) endpoint.status = 'disabled';
						text = JSON.stringify(body);
					}
					res.writeHead(upstream.status, { 'content-type': 'application/json' });
					res.end(text);
				})();
			});
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	});
	afterEach(async () => {
		await new Promise((resolve) => proxy.close(resolve));
	});

	it('a restart replaces an endpoint HeyGen lists as disabled', async () => {
		const trigger = heyGenWebhookTrigger({ apiKey: standIn.apiKey, baseUrl: proxyUrl }, {});
		await trigger.activate();
		const [endpoint] = standIn.webhookEndpoints;
		disabled.add(endpoint.endpoint_id); // disabled in HeyGen's app, or by HeyGen after failures
		await trigger.activate(); // n8n restarts: checkExists finds the endpoint and keeps it
		expect(standIn.webhookEndpoints).toHaveLength(1);
		expect(standIn.webhookEndpoints[0].endpoint_id).not.toBe(endpoint.endpoint_id);
	});
});
