import { NodeApiError, Workflow } from 'n8n-workflow';

import { HeyGenApi } from '../credentials/HeyGenApi.credentials';
import { DEFAULT_BASE_URL } from '../nodes/HeyGen/helpers/urls';
import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { runHeyGenNode, testCredential } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 10, folders: 130, seed: 3 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

describe('HeyGen API credential', () => {
	it('is an API key (password field) and a base URL defaulting to HeyGen', () => {
		const credential = new HeyGenApi();
		expect(credential.name).toBe('heyGenApi');
		expect(credential.displayName).toBe('HeyGen API');
		const apiKey = credential.properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions?.password).toBe(true);
		expect(apiKey?.required).toBe(true);
		expect(credential.properties.find((property) => property.name === 'baseUrl')?.default).toBe(
			'https://api.heygen.com',
		);
	});

	it('test passes with the right key, over GET /v3/users/me with x-api-key', async () => {
		const result = await testCredential({ apiKey: standIn.apiKey, baseUrl: standIn.url });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const [request] = standIn.requestsTo('/v3/users/me');
		expect(request.apiKey).toBe(standIn.apiKey);
	});

	it('test gives a clear answer on a bad key', async () => {
		const result = await testCredential({ apiKey: 'not-the-key', baseUrl: standIn.url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/HeyGen rejected the API key/);
		expect(result.message).not.toContain('not-the-key');
	});

	it('test reports an unreachable base URL', async () => {
		const result = await testCredential({ apiKey: standIn.apiKey, baseUrl: 'http://127.0.0.1:9' });
		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});

describe('the Base URL', () => {
	it('the credential test uses HeyGen when the Base URL is empty, as the node does', () => {
		const { baseURL } = new HeyGenApi().test.request;
		const workflow = new Workflow({
			nodes: [],
			connections: {},
			active: false,
			nodeTypes: {} as never,
		});
		const resolve = (baseUrl: string) =>
			workflow.expression.getSimpleParameterValue(
				{ id: 'n', name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters: {} },
				baseURL as string,
				'internal',
				{ $credentials: { apiKey: 'k', baseUrl } },
			);
		expect(resolve('')).toBe(DEFAULT_BASE_URL);
		expect(resolve('http://127.0.0.1:9')).toBe('http://127.0.0.1:9');
	});

	it('a user name and password in the Base URL appear in no message or description', async () => {
		// Refused connections are retried; short waits keep this test quick (only the waits change).
		const { baseDelayMs } = RETRY_POLICY;
		RETRY_POLICY.baseDelayMs = 10;
		const port = standIn.url.split(':').pop();
		for (const baseUrl of [
			'http://alice:s3cret-pw@127.0.0.1:1',
			`http://alice:s3cret-pw@127.0.0.1:${port}/missing-prefix`,
		]) {
			const { output } = await runHeyGenNode({
				credentials: { apiKey: standIn.apiKey, baseUrl },
				parameters: { resource: 'asset', operation: 'getAll', limit: 1 },
				continueOnFail: true,
			}).catch((error: NodeApiError) => ({
				output: [[{ json: { error: error.message, description: error.description } }]],
			}));
			const text = JSON.stringify(output);
			expect(text).toMatch(/error/);
			expect(text).not.toContain('s3cret-pw');
			expect(text).not.toContain('alice');
		}
		const refused = await runHeyGenNode({
			credentials: { apiKey: standIn.apiKey, baseUrl: 'http://alice:s3cret-pw@127.0.0.1:1' },
			parameters: { resource: 'asset', operation: 'getAll', limit: 1 },
		}).catch((error: NodeApiError) => error);
		expect(refused).toBeInstanceOf(NodeApiError);
		const { message, description } = refused as NodeApiError;
		expect(message).toBe('Could not reach HeyGen');
		expect(description).toContain('GET http://127.0.0.1:1/v1/asset/list');
		expect(`${message} ${description}`).not.toMatch(/alice|s3cret-pw/);
		RETRY_POLICY.baseDelayMs = baseDelayMs;
	}, 30_000);
});
