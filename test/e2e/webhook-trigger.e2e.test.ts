/**
 * The HeyGen Webhook Trigger under `n8n start` against the stand-in: an active workflow (HeyGen
 * Webhook Trigger → HTTP Request into the stand-in's sink). Activation registers exactly one endpoint
 * with the chosen events; the stand-in's signed deliveries run once each; forged, unsigned and stale
 * ones are refused and run nothing; a redelivery runs nothing, also after a restart of n8n, which
 * keeps the one endpoint; deactivation deletes it. n8n's log never holds the endpoint's secret.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { n8nCommand, setupOwner, startServer } from '../../scripts/lib/n8n';
import { exampleWorkflows } from '../../scripts/lib/demo-setup';
import { chainWorkflow, sinkNode } from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import {
	type HeyGenN8n,
	type N8n,
	SET_UP_TIMEOUT_MS,
	type StandIn,
	startHeyGenN8n,
} from './fixture';

type Server = Awaited<ReturnType<typeof startServer>>;

const WORKFLOW_ID = 'e2eHeyGenHook001';
/** examples/heygen-save-finished-render.json */
const EXAMPLE_ID = 'hgRenderHook0001';
const WEBHOOK_ID = '5f0c0de0-2400-4000-8000-00000000e2e0';
const CREDENTIAL = { id: 'heygenHook000001', name: 'HeyGen' };
const EVENTS = ['avatar_video.success', 'avatar_video.fail'];
const OWNER = {
	email: 'owner@example.com',
	password: 'Webhook-e2e-1',
	firstName: 'E2E',
	lastName: 'Owner',
};
/** How long a refused or duplicate delivery is given to (wrongly) reach the sink. */
const QUIET_MS = 3_000;

let standIn: StandIn;
let n8n: N8n;
let filesDir: string;
let cookie = '';
let server: Server | undefined;
const log: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function webhookWorkflow(sinkUrl: string) {
	const trigger = {
		id: 'hook',
		name: 'HeyGen Webhook Trigger',
		type: 'n8n-nodes-heygen.heyGenWebhookTrigger',
		typeVersion: 1,
		webhookId: WEBHOOK_ID,
		parameters: { events: EVENTS, options: {} },
		credentials: { heyGenApi: CREDENTIAL },
	};
	return chainWorkflow(WORKFLOW_ID, [trigger, sinkNode(sinkUrl)], 'HeyGen webhook e2e');
}

/**
 * Waits until a workflow takes deliveries: a signed event it was not set for (so nothing runs)
 * answers 2xx once the endpoint's secret is in the workflow's static data. HeyGen's endpoint exists
 * a moment before n8n has saved that; a delivery in between is refused, and HeyGen retries it.
 */
async function untilTakingDeliveries(webhookId = WEBHOOK_ID) {
	let probes = 0;
	await waitFor(
		'the workflow to take deliveries',
		async () => {
			const endpoint = standIn.webhookEndpoints.find((e) => e.url === hookUrl(webhookId));
			if (!endpoint) return undefined;
			const probe = standIn.signedDelivery(endpoint.secret, {
				event_id: `evt_probe_${webhookId}_${++probes}`,
				event_type: 'video_translate.success',
				event_data: {},
			});
			const status = await standIn.sendDelivery(hookUrl(webhookId), probe.body, probe.headers);
			return status === 200 ? true : undefined;
		},
		60_000,
	);
}

const start = async () => {
	server = await startServer(n8n, { onLog: (line) => log.push(line) });
	await untilTakingDeliveries();
};

const sinkIds = () => standIn.sink.map((entry) => (entry as { event_id: string }).event_id);
const hookUrl = (webhookId = WEBHOOK_ID) => `${n8n.env.WEBHOOK_URL}webhook/${webhookId}/webhook`;
const endpoint = () => {
	const endpoints = standIn.webhookEndpoints;
	expect(endpoints).toHaveLength(1);
	return endpoints[0];
};

/** The example as `npm start` imports it (its folder under this run's files folder). */
const example = () => {
	const found = exampleWorkflows({ filesDir }).find((workflow) => workflow.id === EXAMPLE_ID);
	if (!found) throw new Error(`examples/ has no workflow ${EXAMPLE_ID}`);
	return found;
};

/** A call to n8n's REST API as the editor makes it, logged in as the owner. */
async function rest(path: string, body?: unknown) {
	const url = server?.url ?? '';
	if (!cookie) {
		await setupOwner(url, OWNER);
		const login = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		expect(login.ok).toBe(true);
		cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	}
	const response = await fetch(`${url}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { cookie, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	expect([path, response.status]).toEqual([path, 200]);
	return ((await response.json()) as { data: Record<string, unknown> }).data;
}
const render = (videoId: string) => ({ video_id: videoId, url: null, callback_id: null });

/** Emits an event as HeyGen does and waits for its first attempt's answer. */
async function emit(videoId: string, eventId?: string) {
	const emitted = await standIn.emitWebhookEvent('avatar_video.success', render(videoId), {
		eventId,
	});
	const attempts = standIn.webhookAttempts.filter((a) => a.eventId === emitted.event_id);
	const attempt = attempts[attempts.length - 1];
	return { eventId: emitted.event_id, status: attempt?.status };
}

let e2e: HeyGenN8n | undefined;

beforeAll(async () => {
	filesDir = mkdtempSync(join(tmpdir(), 'heygen-hook-files-'));
	mkdirSync(join(filesDir, 'heygen-renders'));
	e2e = await startHeyGenN8n({
		account: { assets: 1, folders: 1, videos: 3, seed: 24 },
		// The examples' credential too, as npm start imports it.
		credentials: [CREDENTIAL, { id: 'heygenDemoCred01', name: 'HeyGen account' }],
		n8n: { env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } },
		workflows: (started) => [webhookWorkflow(`${started.url}/__sink`), example()],
	});
	({ standIn, n8n } = e2e);
	n8n.env.WEBHOOK_URL = `http://127.0.0.1:${n8n.env.N8N_PORT}/`;
	expect((await n8nCommand(n8n, ['publish:workflow', `--id=${WORKFLOW_ID}`])).code).toBe(0);
	await start();
}, SET_UP_TIMEOUT_MS);

afterAll(async () => {
	await server?.stop();
	await e2e?.close();
	if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

afterEach(() => {
	const failed = expect.getState().assertionCalls > 0 && expect.getState().currentTestName;
	if (failed && process.env.E2E_SHOW_LOG)
		process.stderr.write(`${log.filter((line) => /HeyGen|error/i.test(line)).join('\n')}\n`);
});

it('activation registers exactly one endpoint, for the workflow’s URL and the chosen events', async () => {
	await waitFor(
		'the endpoint',
		() => (standIn.webhookEndpoints.length > 0 ? true : undefined),
		30_000,
	);
	expect(endpoint()).toMatchObject({ url: hookUrl(), events: EVENTS, status: 'enabled' });
});

it('a signed delivery runs the workflow once, with HeyGen’s body as the item', async () => {
	const { eventId, status } = await emit('video-one');
	expect(status).toBe(200);
	await waitFor('the run', () => (sinkIds().includes(eventId) ? true : undefined), 30_000);
	const [item] = standIn.sink as Array<Record<string, unknown>>;
	expect(item).toMatchObject({
		event_id: eventId,
		event_type: 'avatar_video.success',
		event_data: render('video-one'),
	});
	await sleep(QUIET_MS);
	expect(sinkIds()).toEqual([eventId]);
});

it('forged, unsigned and stale deliveries are refused and run nothing', async () => {
	const before = standIn.sink.length;
	const { secret } = endpoint();
	const event = (id: string) => ({
		event_id: id,
		event_type: 'avatar_video.success',
		event_data: render(id),
	});
	const forged = standIn.signedDelivery('whsec_guessed', event('evt_forged'));
	const unsigned = standIn.signedDelivery(secret, event('evt_unsigned'));
	delete (unsigned.headers as Record<string, string>)['heygen-signature'];
	const stale = standIn.signedDelivery(secret, event('evt_stale'), {
		timestampSeconds: Math.floor(Date.now() / 1000) - 10 * 60,
	});
	const tampered = standIn.signedDelivery(secret, event('evt_tampered'));
	const statuses = [];
	for (const delivery of [forged, unsigned, stale]) {
		statuses.push(await standIn.sendDelivery(hookUrl(), delivery.body, delivery.headers));
	}
	const changedBody = tampered.body.replace('evt_tampered"', 'evt_tampereX"');
	statuses.push(await standIn.sendDelivery(hookUrl(), changedBody, tampered.headers));
	expect(statuses).toEqual([401, 401, 400, 401]);
	await sleep(QUIET_MS);
	expect(standIn.sink.length).toBe(before);
});

it('a redelivery of an event answers 2xx and runs nothing', async () => {
	const [first] = sinkIds();
	const again = await emit('video-one', first);
	expect(again.status).toBe(200);
	await sleep(QUIET_MS);
	expect(sinkIds().filter((id) => id === first)).toHaveLength(1);
});

it('after a restart there is still one endpoint, deliveries run, and earlier events stay taken', async () => {
	const before = endpoint();
	await server?.stop();
	await start();
	expect(standIn.webhookEndpoints).toEqual([before]);
	const [first] = sinkIds();
	const { eventId, status } = await emit('video-two');
	expect(status).toBe(200);
	await waitFor('the run', () => (sinkIds().includes(eventId) ? true : undefined), 30_000);
	expect((await emit('video-one', first)).status).toBe(200);
	await sleep(QUIET_MS);
	expect(sinkIds()).toEqual([first, eventId]);
});

it('deactivation deletes the endpoint; n8n’s log never held its secret', async () => {
	const { secret } = endpoint();
	await rest(`/rest/workflows/${WORKFLOW_ID}/deactivate`, {});
	await waitFor(
		'the deletion',
		() => (standIn.webhookEndpoints.length === 0 ? true : undefined),
		30_000,
	);
	expect(log.join('\n')).not.toContain(secret);
	expect(log.join('\n')).not.toContain(standIn.apiKey);
});

it('the example, activated from the editor, saves each finished render once', async () => {
	const { versionId } = await rest(`/rest/workflows/${EXAMPLE_ID}`);
	await rest(`/rest/workflows/${EXAMPLE_ID}/activate`, { versionId });
	const webhookId = String(example().nodes[0].webhookId);
	await untilTakingDeliveries(webhookId);
	expect(endpoint()).toMatchObject({ url: hookUrl(webhookId), events: ['avatar_video.success'] });
	const video = standIn.videos.find((candidate) => candidate.status === 'completed');
	const videoId = String(video?.id);
	const { eventId, status } = await emit(videoId);
	expect(status).toBe(200);
	const folder = join(filesDir, 'heygen-renders');
	const written = await waitFor(
		'the saved video',
		() => (readdirSync(folder).length > 0 ? readdirSync(folder) : undefined),
		60_000,
	);
	expect(written).toEqual([expect.stringMatching(new RegExp(`^${videoId}-.+\\.mp4$`))]);
	expect(readFileSync(join(folder, written[0]))).toEqual(
		standIn.videoFileContent(videoId, 'video'),
	);
	// HeyGen's retry of the same event: answered, and the video is not fetched again.
	const gets = () => standIn.requestsTo(`/v3/videos/${videoId}`).length;
	const fetched = gets();
	await emit(videoId, eventId);
	// On a loaded machine an attempt may time out; the stand-in retries as HeyGen does.
	const answered = () =>
		standIn.webhookAttempts.filter((a) => a.eventId === eventId && a.status === 200).length;
	await waitFor('the redelivery answered', () => (answered() >= 2 ? true : undefined), 60_000);
	await sleep(QUIET_MS);
	expect(gets()).toBe(fetched);
	await rest(`/rest/workflows/${EXAMPLE_ID}/deactivate`, {});
	await waitFor(
		'the deletion',
		() => (standIn.webhookEndpoints.length === 0 ? true : undefined),
		30_000,
	);
});
