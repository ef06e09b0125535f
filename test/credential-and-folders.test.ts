import { HeyGenApi } from '../credentials/HeyGenApi.credentials';
import { searchFolders, testCredential } from './helpers/n8n-harness';
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

describe('Folder picker (listSearch)', () => {
	const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });

	it('lists folders a page at a time, following the token', async () => {
		const first = await searchFolders(credentials());
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await searchFolders(credentials(), undefined, first.paginationToken);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results]).toEqual(
			standIn.folders.map((folder) => ({ name: folder.name, value: folder.id })),
		);
	});

	it('searches by name with name_filter', async () => {
		const result = await searchFolders(credentials(), 'demos');
		expect(result.results.length).toBeGreaterThan(0);
		expect(result.results.every((folder) => /demos/i.test(String(folder.name)))).toBe(true);
		expect(standIn.requestsTo('/v1/folders')[0].query).toMatchObject({
			name_filter: 'demos',
			limit: '100',
		});
	});

	it('a bad key is the same clear NodeApiError as in the node', async () => {
		await expect(searchFolders({ apiKey: 'nope', baseUrl: standIn.url })).rejects.toThrow(
			'The HeyGen API key was rejected',
		);
	});
});
