/**
 * The MCP example's tools when HeyGen itself fails (a rejected key, 5xx, dropped connections, an
 * HTML page, a key quoted back), as an agent meets it in the real n8n: a clear error to the agent,
 * never a crash or a key in the text. mcp.e2e.test.ts covers the tools when HeyGen answers.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { ensureRuntime } from '../../scripts/n8n-runtime';
import {
	createN8n,
	importCredentials,
	importWorkflows,
	n8nCommand,
	startServer,
} from '../../scripts/lib/n8n';
import { startStandIn } from '../stand-in/heygen-stand-in';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'heygen-assets-mcp.json');
const API_KEY = `mcp-secret-${randomBytes(12).toString('hex')}`;

let standIn: Awaited<ReturnType<typeof startStandIn>>;
let n8n: Awaited<ReturnType<typeof createN8n>>;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let client: Client;
const log: string[] = [];

async function connect(url: string, timeoutMs = 60_000): Promise<Client> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const candidate = new Client({ name: 'review-18', version: '1.0.0' });
		try {
			await candidate.connect(new StreamableHTTPClientTransport(new URL(url)));
			return candidate;
		} catch (error) {
			if (Date.now() > deadline || !/\b404\b/.test(String(error))) throw error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

beforeAll(
	async () => {
		const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
		standIn = await startStandIn({
			apiKey: API_KEY,
			assets: { image: 5, audio: 5, video: 5 },
			seed: 18,
		});
		n8n = await createN8n({ runtime: await ensureRuntime() });
		const credential = example.nodes.find((node: { credentials?: unknown }) => node.credentials)
			.credentials.heyGenApi;
		await importCredentials(n8n, [
			{ ...credential, type: 'heyGenApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
		]);
		await importWorkflows(n8n, [example]);
		expect((await n8nCommand(n8n, ['publish:workflow', `--id=${example.id}`])).code).toBe(0);
		server = await startServer(n8n, { onLog: (line) => log.push(line) });
		client = await connect(`${server.url}/mcp/heygen-assets`);
	},
	10 * 60 * 1000,
);

afterAll(async () => {
	await client?.close();
	await server?.stop();
	await standIn?.close();
	if (n8n) rmSync(n8n.userFolder, { recursive: true, force: true });
});

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };
const answers: string[] = [];
async function call(name: string, args: Record<string, unknown>) {
	const result = (await client.callTool({ name, arguments: args })) as ToolResult;
	answers.push(JSON.stringify(result));
	return { isError: result.isError === true, text: result.content.map((c) => c.text).join('\n') };
}

describe('HeyGen failing under an MCP tool', () => {
	const cases: Array<[string, Parameters<typeof standIn.addFault>[0], RegExp]> = [
		['a rejected key (401)', { kind: 'status', status: 401, times: 10 }, /API key was rejected/],
		['5xx until the retries run out', { kind: 'status', status: 500, times: 10 }, /500|server/i],
		[
			'a dropped connection every time',
			{ kind: 'reset', times: 10 },
			/connection|ECONNRESET|reset/i,
		],
		['an HTML error page', { kind: 'html', status: 502, times: 10 }, /502|HTML|Bad Gateway/i],
	];
	it.each(cases)(
		'%s: an error result with a clear message, no key, the server goes on',
		async (_label, fault, message) => {
			standIn.reset?.();
			standIn.addFault(fault);
			const result = await call('list_heygen_assets', { limit: 2, fileType: 'video' });
			expect({ isError: result.isError, text: result.text }).toEqual({
				isError: true,
				text: expect.stringMatching(message),
			});
			expect(result.text).not.toContain(API_KEY);
			standIn.reset?.();
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
			times: 10,
			message: `Invalid API key ${API_KEY}`,
		});
		const result = await call('get_heygen_asset', {
			assetId: 'ffffffffffffffffffffffffffffffff',
		});
		expect(result.isError).toBe(true);
		expect(result.text).not.toContain(API_KEY);
	}, 60_000);

	it('the key is in no answer and not in the log', () => {
		expect(answers.join('\n')).not.toContain(API_KEY);
		expect(log.join('\n')).not.toContain(API_KEY);
	});
});
