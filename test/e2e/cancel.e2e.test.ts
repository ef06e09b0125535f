/**
 * Stopping an execution in the real n8n while the HeyGen node waits — on a slow page, or on a
 * Retry-After — ends it within about a second, and nothing more is asked of HeyGen.
 * A webhook starts the workflow under `n8n start`; the test stops it through n8n's REST API,
 * as the editor's Stop button does.
 */
import { n8nCommand, setupOwner, startServer } from '../../scripts/lib/n8n';
import { waitFor } from '../helpers/wait';
import { type HeyGenN8n, type StandIn, SET_UP_TIMEOUT_MS, startHeyGenN8n } from './fixture';

let e2e: HeyGenN8n | undefined;
let standIn: StandIn;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let cookie = '';
const LIST = '/v1/asset/list';
const OWNER = {
	email: 'cancel@example.com',
	password: 'Cancel-test-1',
	firstName: 'Can',
	lastName: 'Cel',
};

async function rest(path: string, init: RequestInit = {}) {
	const response = await fetch(`${server?.url}${path}`, {
		...init,
		headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) },
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
	e2e = await startHeyGenN8n({
		account: { assets: 250, folders: 0, seed: 2 },
		credentials: [{ id: 'heygenCancelCred', name: 'HeyGen' }],
		workflows: () => [
			{
				id: 'e2eCancel0000001',
				name: 'HeyGen cancel e2e',
				active: false,
				settings: { executionOrder: 'v1' },
				nodes: [
					{
						id: 'hook',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: '5b0c8a52-9d3e-4e1f-9a7b-0c1d2e3f4a5b',
						parameters: {
							path: 'heygen-cancel',
							httpMethod: 'POST',
							responseMode: 'onReceived',
							options: {},
						},
					},
					{
						id: 'heygen',
						name: 'HeyGen',
						type: 'n8n-nodes-heygen.heyGen',
						typeVersion: 1,
						position: [240, 0],
						parameters: { resource: 'asset', operation: 'getAll', returnAll: true },
						credentials: { heyGenApi: { id: 'heygenCancelCred', name: 'HeyGen' } },
					},
				],
				connections: { Webhook: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
			},
		],
	});
	standIn = e2e.standIn;
	const n8n = e2e.n8n;
	expect((await n8nCommand(n8n, ['publish:workflow', '--id=e2eCancel0000001'])).code).toBe(0);
	server = await startServer(n8n);
	await setupOwner(server.url, OWNER);
	const login = await fetch(`${server.url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	expect(login.ok).toBe(true);
	cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
}, SET_UP_TIMEOUT_MS);

afterAll(async () => {
	await server?.stop();
	await e2e?.close();
});

beforeEach(() => standIn.reset());

it.each([
	['a Retry-After of 5 s', { kind: 'status' as const, status: 429, retryAfter: '5' }],
	['a page that takes 5 s', { kind: 'slow' as const, delayMs: 5_000 }],
])(
	'stopping the execution while it waits on %s ends it within about a second',
	async (_what, fault) => {
		standIn.addFault({ path: LIST, at: 2, ...fault });
		// n8n reports ready before it has registered the active workflow's webhook: until it has, the
		// webhook answers 404 and starts nothing, so it is called again until it takes the request.
		const hook = await waitFor(
			'the webhook to be registered',
			async () => {
				const response = await fetch(`${server?.url}/webhook/heygen-cancel`, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				});
				return response.status === 404 ? undefined : response;
			},
			30_000,
		);
		expect(hook.ok).toBe(true);
		// Wait until the node is on the faulty page.
		await waitFor(
			'the second page request',
			() => (standIn.requestsTo(LIST).length >= 2 ? true : undefined),
			30_000,
		);
		const running = await waitFor(
			'the running execution',
			async () => {
				const list = await rest(
					'/rest/executions?filter=' +
						encodeURIComponent(
							JSON.stringify({ workflowId: 'e2eCancel0000001', status: ['running'] }),
						),
				);
				const results = list.body?.data?.results ?? [];
				return results.length ? results[0] : undefined;
			},
			15_000,
		);
		const stoppedAt = Date.now();
		const stoppedAtStandIn = standIn.now();
		const stop = await rest(`/rest/executions/${running.id}/stop`, { method: 'POST', body: '{}' });
		expect(stop.status).toBeLessThan(300);
		const finished = await waitFor(
			'the execution to end',
			async () => {
				const execution = await rest(`/rest/executions/${running.id}`);
				const data = execution.body?.data;
				return data && data.status !== 'running' && data.status !== 'new' ? data : undefined;
			},
			15_000,
		);
		const took = Date.now() - stoppedAt;
		expect(['canceled', 'cancelled', 'error', 'crashed']).toContain(finished.status);
		expect(took).toBeLessThan(3000);
		// The node really stopped: past the 5 s it would have waited, nothing more is asked of HeyGen,
		// and a slow page's connection was closed right after the stop, not answered.
		await new Promise((resolve) => setTimeout(resolve, 6000));
		const requests = standIn.requestsTo(LIST);
		expect(requests).toHaveLength(2);
		if (fault.kind === 'slow') {
			expect(requests[1].abortedAt).toBeDefined();
			expect((requests[1].abortedAt ?? Infinity) - stoppedAtStandIn).toBeLessThan(1500);
		}
		console.log(
			`stopped while waiting on ${_what}: the execution ended ${took} ms after the stop request (status ${finished.status})`,
		);
	},
	120_000,
);
