/**
 * HeyGen as tools of an AI agent over MCP, in a real n8n: the example workflow
 * examples/heygen-assets-mcp.json (an MCP Server Trigger with HeyGen tools) published under
 * `n8n start`, and the official MCP TypeScript SDK's client talking to its production URL over
 * Streamable HTTP, as an MCP client such as Cursor does, against the HeyGen stand-in.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { n8nCommand, startServer } from '../../scripts/lib/n8n';
import { type HeyGenN8n, type StandIn, SET_UP_TIMEOUT_MS, startHeyGenN8n } from './fixture';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'heygen-assets-mcp.json');
const API_KEY = `mcp-secret-${randomBytes(12).toString('hex')}`;

let e2e: HeyGenN8n | undefined;
let standIn: StandIn;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let client: Client;
const log: string[] = [];

/**
 * A HeyGen tool as the editor leaves it when dropped onto an MCP Server Trigger: named after its
 * action, Tool Description "Set Automatically", no $fromAI parameter.
 */
function autoDescribedServer(credential: { id: string; name: string }) {
	const trigger = 'MCP Server Trigger';
	const tool = 'Get many assets in HeyGen';
	return {
		id: 'e2eMcpAutoDesc01',
		name: 'MCP, automatic tool description',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'auto-trigger',
				name: trigger,
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				typeVersion: 2.1,
				position: [200, 0],
				webhookId: '4d9e3a00-0d01-4000-8000-0000000000ab',
				parameters: { path: 'heygen-auto' },
			},
			{
				id: 'auto-tool',
				name: tool,
				type: 'n8n-nodes-heygen.heyGenTool',
				typeVersion: 2,
				position: [200, 200],
				parameters: { resource: 'asset', operation: 'getAll', limit: 2 },
				credentials: { heyGenApi: credential },
			},
		],
		connections: { [tool]: { ai_tool: [[{ node: trigger, type: 'ai_tool', index: 0 }]] } },
	};
}

/**
 * An MCP client connected to the server at `url`. n8n answers /healthz/readiness before it has
 * activated the published workflows, so the production URL is a 404 for a few seconds after.
 */
async function connect(url: string, timeoutMs = 60_000): Promise<Client> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const candidate = new Client({ name: 'heygen-e2e', version: '1.0.0' });
		try {
			await candidate.connect(new StreamableHTTPClientTransport(new URL(url)));
			return candidate;
		} catch (error) {
			if (Date.now() > deadline || !/\b404\b/.test(String(error))) throw error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

beforeAll(async () => {
	const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
	const credential = example.nodes.find((node: { credentials?: unknown }) => node.credentials)
		.credentials.heyGenApi;
	const auto = autoDescribedServer(credential);
	e2e = await startHeyGenN8n({
		account: {
			apiKey: API_KEY,
			assets: { image: 60, audio: 40, video: 130 },
			folders: 3,
			seed: 18,
			videos: 30,
		},
		credentials: [credential],
		workflows: () => [example, auto],
	});
	standIn = e2e.standIn;
	const n8n = e2e.n8n;
	for (const id of [example.id, auto.id]) {
		const published = await n8nCommand(n8n, ['publish:workflow', `--id=${id}`]);
		expect(published.code).toBe(0);
	}
	server = await startServer(n8n, { onLog: (line) => log.push(line) });
	client = await connect(`${server.url}/mcp/heygen-assets`);
}, SET_UP_TIMEOUT_MS);

afterAll(async () => {
	await client?.close();
	await server?.stop();
	await e2e?.close();
});

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

/** Calls a tool as an agent does; every answer is also kept, to search for the API key. */
const answers: string[] = [];
async function call(name: string, args: Record<string, unknown>) {
	const result = (await client.callTool({ name, arguments: args })) as ToolResult;
	answers.push(JSON.stringify(result));
	expect(result.content).toHaveLength(1);
	expect(result.content[0].type).toBe('text');
	const { text } = result.content[0];
	return { isError: result.isError === true, text, json: () => JSON.parse(text) };
}

/** The assets as the tools give them: v3's shape (node version 2 lists with v3). */
const asV3 = (asset: (typeof standIn.assets)[number]) => ({
	...asset,
	owner: standIn.username,
	space_id: 'space-0001',
});
const ofType = (type: string) => standIn.assets.filter((asset) => asset.file_type === type);

describe('what the agent is offered', () => {
	it('five read-only tools, each described by the example and taking only its $fromAI parameters', async () => {
		const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
		const described = (name: string) =>
			example.nodes.find((node: { name: string }) => node.name === name).parameters.toolDescription;
		const { tools } = await client.listTools();
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		expect(Object.keys(byName).sort()).toEqual([
			'get_heygen_asset',
			'get_heygen_folder',
			'get_heygen_video',
			'list_heygen_assets',
			'list_heygen_videos',
		]);
		for (const tool of tools) expect(tool.description).toBe(described(tool.name));

		const schema = (properties: Record<string, { type: string; description: string }>) => ({
			type: 'object',
			properties,
			required: Object.keys(properties),
		});
		expect(byName.list_heygen_assets.inputSchema).toMatchObject(
			schema({
				limit: {
					type: 'number',
					description: 'How many assets to return, newest first: 1 to 100',
				},
				fileType: {
					type: 'string',
					description:
						'Which kind of asset: image, audio or video, or an empty string for every kind',
				},
			}),
		);
		expect(byName.get_heygen_asset.inputSchema).toMatchObject(
			schema({
				assetId: {
					type: 'string',
					description: 'The id of the asset, as list_heygen_assets returns it',
				},
			}),
		);
		expect(byName.get_heygen_folder.inputSchema).toMatchObject(
			schema({
				folderId: {
					type: 'string',
					description: 'The folder_id of an asset, as list_heygen_assets returns it',
				},
			}),
		);
		expect(byName.list_heygen_videos.inputSchema).toMatchObject(
			schema({
				limit: {
					type: 'number',
					description: 'How many videos to return, newest first: 1 to 100',
				},
				status: {
					type: 'string',
					description:
						'Only videos in this status: completed, failed, processing or pending, or an empty string for every status',
				},
			}),
		);
		expect(byName.get_heygen_video.inputSchema).toMatchObject(
			schema({
				videoId: {
					type: 'string',
					description: 'The id of the video, as list_heygen_videos returns it',
				},
			}),
		);
		for (const tool of tools)
			expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual(tool.inputSchema.required);

		// What an agent needs from each description: what comes back, the limit, which id to pass.
		const list = byName.list_heygen_assets.description ?? '';
		expect(list).toMatch(/newest first/);
		expect(list).toMatch(/At most 100 assets per call/);
		for (const field of ['id', 'name', 'file_type', 'folder_id', 'created_ts', 'url'])
			expect(list).toContain(field);
		expect(list).toMatch(/id to get_heygen_asset and its folder_id to get_heygen_folder/);
		expect(byName.get_heygen_asset.description).toMatch(
			/the id field of an asset from list_heygen_assets/,
		);
		expect(byName.get_heygen_asset.description).toMatch(/is an error/);
		expect(byName.get_heygen_folder.description).toMatch(/the folder_id of an asset/);
		expect(byName.get_heygen_folder.description).toMatch(/empty\s+folder_id means the root/);
		expect(client.getInstructions()).toMatch(/None of these tools uploads, changes or deletes/);
	});
});

it('a tool left on "Set Automatically" is described to the agent by its action alone', async () => {
	const auto = await connect(`${server?.url}/mcp/heygen-auto`);
	try {
		const { tools } = await auto.listTools();
		expect(tools).toEqual([
			expect.objectContaining({
				name: 'Get_many_assets_in_HeyGen',
				description: 'Get many assets in HeyGen',
				inputSchema: expect.objectContaining({ type: 'object', properties: {} }),
			}),
		]);
		const result = (await auto.callTool({
			name: 'Get_many_assets_in_HeyGen',
			arguments: {},
		})) as ToolResult;
		answers.push(JSON.stringify(result));
		expect(JSON.parse(result.content[0].text)).toEqual(standIn.assets.slice(0, 2).map(asV3));
	} finally {
		await auto.close();
	}
});

describe('the agent calls the tools', () => {
	it('list_heygen_videos and get_heygen_video: the newest videos of a status, then one with fresh links', async () => {
		const completed = standIn.videos.filter((video) => video.status === 'completed');
		const listed = await call('list_heygen_videos', { limit: 4, status: 'completed' });
		expect(listed.isError).toBe(false);
		expect(listed.json().map((video: { id: string }) => video.id)).toEqual(
			completed.slice(0, 4).map((video) => video.id),
		);
		const all = await call('list_heygen_videos', { limit: 3, status: '' });
		expect(all.json().map((video: { id: string }) => video.id)).toEqual(
			standIn.videos.slice(0, 3).map((video) => video.id),
		);
		const got = await call('get_heygen_video', { videoId: completed[0].id });
		expect(got.json()).toEqual([
			expect.objectContaining({ id: completed[0].id, video_url: expect.any(String) }),
		]);
		const unknown = await call('get_heygen_video', { videoId: '00000000000000000000000000000000' });
		expect(unknown.isError).toBe(true);
		expect(unknown.text).toMatch(/HeyGen has no video with ID/);
	});

	it('list_heygen_assets: exactly the newest assets of the kind asked for, in the v3 shape', async () => {
		const videos = await call('list_heygen_assets', { limit: 3, fileType: 'video' });
		expect(videos.isError).toBe(false);
		expect(videos.json()).toEqual(ofType('video').slice(0, 3).map(asV3));
		const audio = await call('list_heygen_assets', { limit: 5, fileType: 'audio' });
		expect(audio.json()).toEqual(ofType('audio').slice(0, 5).map(asV3));
		const every = await call('list_heygen_assets', { limit: 4, fileType: '' });
		expect(every.json()).toEqual(standIn.assets.slice(0, 4).map(asV3));
	});

	it('list_heygen_assets: a limit above 100 gets 100, the most one call returns', async () => {
		expect(ofType('video').length).toBeGreaterThan(100);
		const result = await call('list_heygen_assets', { limit: 5000, fileType: 'video' });
		expect(result.json()).toEqual(ofType('video').slice(0, 100).map(asV3));
	});

	it('get_heygen_asset and get_heygen_folder: the asset by its id, then the folder by its folder_id', async () => {
		const [listed] = (await call('list_heygen_assets', { limit: 1, fileType: 'video' })).json();
		const inFolder = standIn.assets.find((asset) => asset.folder_id !== '');
		for (const asset of [listed, inFolder]) {
			const got = await call('get_heygen_asset', { assetId: asset?.id });
			expect(got.isError).toBe(false);
			expect(got.json()).toEqual([asV3(standIn.assets.find(({ id }) => id === asset?.id)!)]);
		}
		const folder = standIn.folders.find(({ id }) => id === inFolder?.folder_id);
		const got = await call('get_heygen_folder', { folderId: inFolder?.folder_id });
		expect(got.isError).toBe(false);
		expect(got.json()).toEqual([expect.objectContaining({ id: folder?.id, name: folder?.name })]);
	});

	it('an unknown id is a clear error to the agent, and the server goes on answering', async () => {
		const unknown = 'ffffffffffffffffffffffffffffffff';
		const result = await call('get_heygen_asset', { assetId: unknown });
		expect(result.isError).toBe(true);
		expect(result.text).toMatch(
			new RegExp(`^NodeOperationError: HeyGen has no asset with ID "${unknown}"\\n`),
		);
		expect(result.text).toMatch(
			/The asset may have been deleted, or the ID belongs to another account/,
		);
		const folder = await call('get_heygen_folder', { folderId: unknown });
		expect(folder.isError).toBe(true);
		expect(folder.text).toMatch(/^NodeOperationError: HeyGen has no folder with ID "f{32}"/);
		const again = await call('list_heygen_assets', { limit: 1, fileType: 'image' });
		expect(again.json()).toEqual(ofType('image').slice(0, 1).map(asV3));
	});

	it('what an agent gets wrong is refused with what to do instead, before anything reaches HeyGen', async () => {
		const before = standIn.requests.length;
		const cases: Array<[string, Record<string, unknown>, RegExp]> = [
			['get_heygen_asset', { assetId: 'my logo.png' }, /An asset ID has no spaces, slashes/],
			['get_heygen_asset', { assetId: '../v3/users/me' }, /is not a HeyGen asset ID/],
			['get_heygen_folder', { folderId: '' }, /Folder must be set/],
			[
				'list_heygen_assets',
				{ limit: 5, fileType: 'font' },
				/File Type must be image, audio or video, not "font"/,
			],
			[
				'list_heygen_assets',
				{ limit: 0, fileType: 'image' },
				/Limit must be a whole number of at least 1, not 0/,
			],
			[
				'list_heygen_assets',
				{ limit: '3', fileType: 'image' },
				/did not match expected schema[\s\S]*limit/,
			],
			['list_heygen_assets', {}, /Required[\s\S]*limit[\s\S]*Required[\s\S]*fileType/],
		];
		for (const [name, args, message] of cases) {
			const result = await call(name, args);
			expect({ name, args, isError: result.isError }).toEqual({ name, args, isError: true });
			expect(result.text).toMatch(message);
		}
		expect(standIn.requests.slice(before)).toEqual([]);
	});
});

describe('HeyGen failing under an MCP tool', () => {
	// Each fault hits exactly the attempts one call makes (a 401 once; else the first try and its
	// retries), so the next call meets HeyGen answering again, and the stand-in's record stays whole
	// for the checks after every call.
	const attempts = 4;
	const cases: Array<[string, Parameters<typeof standIn.addFault>[0], RegExp]> = [
		['a rejected key (401)', { kind: 'status', status: 401, times: 1 }, /API key was rejected/],
		[
			'5xx until the retries run out',
			{ kind: 'status', status: 500, times: attempts },
			/500|server/i,
		],
		[
			'a dropped connection every time',
			{ kind: 'reset', times: attempts },
			/connection|ECONNRESET|reset/i,
		],
		['an HTML error page', { kind: 'html', status: 502, times: attempts }, /502|HTML|Bad Gateway/i],
	];
	it.each(cases)(
		'%s: an error result with a clear message, no key, the server goes on',
		async (_label, fault, message) => {
			standIn.addFault(fault);
			const result = await call('list_heygen_assets', { limit: 2, fileType: 'video' });
			expect({ isError: result.isError, text: result.text }).toEqual({
				isError: true,
				text: expect.stringMatching(message),
			});
			expect(result.text).not.toContain(API_KEY);
			const again = await call('list_heygen_assets', { limit: 1, fileType: 'image' });
			expect(again.isError).toBe(false);
		},
		120_000,
	);

	// HeyGen's message is passed on with the credential's key redacted (errors.ts, withoutSecret).
	it('HeyGen echoing the key in its error message does not pass it on to the agent', async () => {
		standIn.addFault({
			kind: 'status',
			status: 401,
			times: 1,
			message: `Invalid API key ${API_KEY}`,
		});
		const result = await call('get_heygen_asset', {
			assetId: 'ffffffffffffffffffffffffffffffff',
		});
		expect(result.isError).toBe(true);
		expect(result.text).not.toContain(API_KEY);
		expect(result.text).toContain('Invalid API key [redacted]');
	}, 60_000);
});

describe('after every call above', () => {
	it('nothing was deleted or uploaded, and the API key is in no answer nor in n8n log', () => {
		expect(standIn.deleted).toEqual([]);
		expect(standIn.uploads).toEqual([]);
		expect(standIn.requests.some((request) => request.method !== 'GET')).toBe(false);
		expect(answers.length).toBeGreaterThan(10);
		expect(answers.join('\n')).not.toContain(API_KEY);
		expect(log.join('\n')).not.toContain(API_KEY);
		// The test can see the key where it is: every request HeyGen got carried it.
		expect(
			standIn.requests
				.filter((request) => request.path.startsWith('/v3/'))
				.every((request) => request.apiKey === API_KEY),
		).toBe(true);
	});
});
