/**
 * The HeyGen Webhook Trigger against the stand-in, through n8n-core's HookContext and WebhookContext:
 * activation registers one endpoint for the URL and keeps its secret, a restart or re-activation
 * never leaves two, deactivation deletes it; each delivery is verified on its raw bytes, taken once
 * by its event id, refused when forged, unsigned or stale; the secret is in no item or answer.
 */
import { createHmac } from 'node:crypto';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { heyGenWebhookTrigger } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeEach(async () => {
	standIn = await startStandIn({ assets: 1, folders: 1, videos: 5, seed: 24 });
});
afterEach(async () => {
	await standIn.close();
});

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });
const RENDERS = ['avatar_video.success', 'avatar_video.fail'];
const ENDPOINTS = '/v3/webhooks/endpoints';

const event = (id: string, type = 'avatar_video.success', videoId = 'v1') => ({
	event_id: id,
	event_type: type,
	event_data: { video_id: videoId, url: 'https://files.example/v.mp4', callback_id: null },
});

async function activeTrigger(parameters = {}) {
	const trigger = heyGenWebhookTrigger(credentials(), parameters);
	await trigger.activate();
	const [endpoint] = standIn.webhookEndpoints;
	const signed = (id: string, type?: string, options = {}) =>
		standIn.signedDelivery(endpoint.secret, event(id, type), options);
	return { trigger, endpoint, signed };
}

describe('registration', () => {
	it('activation registers the production URL once, for the default render events', async () => {
		const { trigger, endpoint } = await activeTrigger();
		expect(standIn.webhookEndpoints).toHaveLength(1);
		expect(endpoint).toMatchObject({ url: trigger.url(), events: RENDERS, status: 'enabled' });
		expect(standIn.requestsTo(ENDPOINTS).map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
	});

	it('registers the chosen events', async () => {
		const events = ['video_translate.success', 'avatar_video_gif.fail'];
		const { endpoint } = await activeTrigger({ events });
		expect(endpoint.events).toEqual(events);
	});

	it('a restart (checkExists again) keeps the one endpoint and its secret', async () => {
		const { trigger, endpoint } = await activeTrigger();
		expect(await trigger.checkExists()).toBe(true);
		await trigger.activate();
		expect(standIn.webhookEndpoints).toEqual([endpoint]);
	});

	it('an endpoint deleted in HeyGen’s app is registered again', async () => {
		const { trigger, endpoint } = await activeTrigger();
		standIn.removeWebhookEndpoint(endpoint.endpoint_id);
		await trigger.activate();
		expect(standIn.webhookEndpoints).toHaveLength(1);
		expect(standIn.webhookEndpoints[0].endpoint_id).not.toBe(endpoint.endpoint_id);
	});

	it('an endpoint for the URL whose secret the node lost is replaced, never kept beside a new one', async () => {
		const { trigger } = await activeTrigger();
		// The workflow's static data lost (an imported copy, a database restored from before).
		delete trigger.staticData().registrations;
		await trigger.activate();
		expect(standIn.webhookEndpoints).toHaveLength(1);
		const [endpoint] = standIn.webhookEndpoints;
		const signed = standIn.signedDelivery(endpoint.secret, event('evt_after'));
		expect((await trigger.deliver(signed.body, signed.headers)).result.workflowData).toHaveLength(
			1,
		);
	});

	it('a create whose answer was lost and was retried leaves one endpoint', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		standIn.addFault({ kind: 'dropAnswer', path: ENDPOINTS, method: 'POST' });
		await trigger.activate();
		expect(standIn.requestsTo(ENDPOINTS).filter((r) => r.method === 'POST')).toHaveLength(2);
		expect(standIn.webhookEndpoints).toHaveLength(1);
	});

	it('events changed on an active workflow are sent to HeyGen at the next check', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		await trigger.activate();
		trigger.node.parameters.events = ['avatar_video.fail'];
		expect(await trigger.checkExists()).toBe(true);
		expect(standIn.webhookEndpoints[0].events).toEqual(['avatar_video.fail']);
	});

	it('deactivation deletes the endpoint and forgets its secret; a second delete is fine', async () => {
		const { trigger } = await activeTrigger();
		expect(await trigger.delete()).toBe(true);
		expect(standIn.webhookEndpoints).toEqual([]);
		expect(trigger.staticData().registrations).toEqual({});
		expect(await trigger.delete()).toBe(true);
	});

	it('an endpoint already deleted in HeyGen (404) still deactivates', async () => {
		const { trigger, endpoint } = await activeTrigger();
		standIn.removeWebhookEndpoint(endpoint.endpoint_id);
		expect(await trigger.delete()).toBe(true);
	});

	it('the test URL is registered beside the production one and removed after, not touching it', async () => {
		const { trigger, endpoint } = await activeTrigger();
		await trigger.activate(true);
		expect(standIn.webhookEndpoints.map((e) => e.url).sort()).toEqual(
			[trigger.url(), trigger.url(true)].sort(),
		);
		await trigger.delete(true);
		expect(standIn.webhookEndpoints).toEqual([endpoint]);
	});

	it('no events chosen is a NodeOperationError before anything is sent', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), { events: [] });
		await expect(trigger.create()).rejects.toThrow(NodeOperationError);
		expect(standIn.webhookEndpoints).toEqual([]);
	});

	it('a wrong API key is a NodeApiError, and the key is not in it', async () => {
		const trigger = heyGenWebhookTrigger({ ...credentials(), apiKey: 'wrong-key-123' }, {});
		const error = await trigger.activate().catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(JSON.stringify(error)).not.toContain('wrong-key-123');
	});
});

describe('deliveries', () => {
	it('a signed delivery is one item: HeyGen’s body as delivered', async () => {
		const { trigger, signed } = await activeTrigger();
		const delivery = signed('evt_1');
		const call = await trigger.deliver(delivery.body, delivery.headers);
		expect(call.status).toBe(200);
		expect(call.result.workflowData).toEqual([[{ json: JSON.parse(delivery.body) }]]);
	});

	it('a redelivery of the same event id answers 2xx and starts nothing', async () => {
		const { trigger, signed } = await activeTrigger();
		const first = signed('evt_1');
		expect((await trigger.deliver(first.body, first.headers)).result.workflowData).toHaveLength(1);
		// HeyGen's retry: signed again, a new timestamp, the same event.
		const again = signed('evt_1', undefined, {
			timestampSeconds: Math.floor(Date.now() / 1000) + 5,
		});
		const call = await trigger.deliver(again.body, again.headers);
		expect([call.status, call.body, call.result]).toEqual([
			200,
			{ received: 'again' },
			{ noWebhookResponse: true },
		]);
	});

	it('two deliveries of one event at the same moment start one run', async () => {
		const { trigger, signed } = await activeTrigger();
		const delivery = signed('evt_twice');
		const calls = await Promise.all([
			trigger.deliver(delivery.body, delivery.headers),
			trigger.deliver(delivery.body, delivery.headers),
		]);
		expect(calls.filter((call) => call.result.workflowData).length).toBe(1);
	});

	it('two at once still start one run where each call loads its own static data, as n8n’s do', async () => {
		const { trigger, signed } = await activeTrigger();
		const delivery = signed('evt_twice');
		const calls = await Promise.all(
			[1, 2].map(async () => await trigger.deliver(delivery.body, delivery.headers, false, true)),
		);
		expect(calls.filter((call) => call.result.workflowData).length).toBe(1);
	});

	it('forged, unsigned and stale deliveries are refused and start nothing', async () => {
		const { trigger, signed } = await activeTrigger();
		const good = signed('evt_1');
		const stale = signed('evt_2', undefined, {
			timestampSeconds: Math.floor(Date.now() / 1000) - 600,
		});
		const forged = standIn.signedDelivery('whsec_guessed', event('evt_3'));
		const tampered = { body: good.body.replace('v1', 'v2'), headers: good.headers };
		const unsignedHeaders: Record<string, string> = { ...signed('evt_4').headers };
		delete unsignedHeaders['heygen-signature'];
		const cases = [
			[forged, 401],
			[tampered, 401],
			[{ body: signed('evt_4').body, headers: unsignedHeaders }, 401],
			[stale, 400],
		] as const;
		for (const [delivery, status] of cases) {
			const call = await trigger.deliver(delivery.body, delivery.headers);
			expect([call.status, call.result]).toEqual([status, { noWebhookResponse: true }]);
		}
		// Refused ones were not remembered: the real evt_2, sent in time, still runs.
		const fresh = signed('evt_2');
		expect((await trigger.deliver(fresh.body, fresh.headers)).result.workflowData).toHaveLength(1);
	});

	it('the signature is checked on the bytes that arrived: the same JSON re-serialized fails', async () => {
		const { trigger, signed } = await activeTrigger();
		const delivery = signed('evt_1');
		const pretty = JSON.stringify(JSON.parse(delivery.body), null, 2);
		expect((await trigger.deliver(pretty, delivery.headers)).status).toBe(401);
	});

	it('a delivery to a trigger with no endpoint registered is refused', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		const delivery = standIn.signedDelivery('whsec_any', event('evt_1'));
		expect((await trigger.deliver(delivery.body, delivery.headers)).status).toBe(401);
	});

	it('an event that was not chosen answers 2xx and starts nothing', async () => {
		const { trigger, endpoint } = await activeTrigger({ events: ['avatar_video.fail'] });
		const delivery = standIn.signedDelivery(endpoint.secret, event('evt_1'));
		const call = await trigger.deliver(delivery.body, delivery.headers);
		expect([call.status, call.result]).toEqual([200, { noWebhookResponse: true }]);
	});

	it('Fetch Video adds the video with fresh URLs', async () => {
		const { trigger, endpoint } = await activeTrigger({ options: { fetchVideo: true } });
		const video = standIn.videos.find((candidate) => candidate.status === 'completed');
		const delivery = standIn.signedDelivery(endpoint.secret, event('evt_1', undefined, video!.id));
		const [[item]] = (await trigger.deliver(delivery.body, delivery.headers)).result.workflowData!;
		expect(item.json.video).toMatchObject({ id: video!.id, status: 'completed' });
		expect(item.json.event_id).toBe('evt_1');
	});

	it('Fetch Video failing: HeyGen has had its 200, and the event still runs, saying why it has no video', async () => {
		const { trigger, endpoint } = await activeTrigger({ options: { fetchVideo: true } });
		const delivery = standIn.signedDelivery(endpoint.secret, event('evt_1', undefined, 'gone'));
		const call = await trigger.deliver(delivery.body, delivery.headers);
		expect(call.status).toBe(200);
		const [[item]] = call.result.workflowData ?? [[]];
		expect(item.json).toMatchObject({ event_id: 'evt_1', fetch_video_error: expect.any(String) });
		expect(item.json.video).toBeUndefined();
	});

	it('the secret is in no item, answer or refusal; only in the static data', async () => {
		const { trigger, endpoint, signed } = await activeTrigger();
		const good = signed('evt_1');
		const forged = standIn.signedDelivery('whsec_guessed', event('evt_2'));
		const calls = [
			await trigger.deliver(good.body, good.headers),
			await trigger.deliver(forged.body, forged.headers),
			await trigger.deliver(good.body, good.headers),
		];
		expect(JSON.stringify(calls)).not.toContain(endpoint.secret);
		expect(JSON.stringify(trigger.staticData())).toContain(endpoint.secret);
	});

	it('a delivery that is not JSON is refused with 400', async () => {
		const { trigger, endpoint } = await activeTrigger();
		const body = 'not json';
		const headers = {
			...standIn.signedDelivery(endpoint.secret, event('evt_1')).headers,
			'heygen-signature': createHmac('sha256', endpoint.secret).update(body).digest('hex'),
		};
		expect((await trigger.deliver(body, headers)).status).toBe(400);
	});
});

describe('events picker', () => {
	it('offers HeyGen’s event types where it lists them', async () => {
		const trigger = heyGenWebhookTrigger(credentials(), {});
		const names = (await trigger.eventTypes()).map((option) => option.value);
		expect(names).toContain('personalized_video');
		expect(names).toEqual(expect.arrayContaining(RENDERS));
	});

	it('offers the known event types where HeyGen does not answer', async () => {
		standIn.set({ eventTypesServed: false });
		const trigger = heyGenWebhookTrigger(credentials(), {});
		const names = (await trigger.eventTypes()).map((option) => option.value);
		expect(names).toEqual([
			'avatar_video.success',
			'avatar_video.fail',
			'avatar_video_gif.success',
			'avatar_video_gif.fail',
			'video_translate.success',
			'video_translate.fail',
		]);
	});
});
