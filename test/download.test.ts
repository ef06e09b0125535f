import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { fileNameFor, mapWithConcurrency } from '../nodes/HeyGen/transport/download';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;
const FILE_SIZE = 3000;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 40, folders: 2, seed: 5, fileSizeBytes: FILE_SIZE });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

async function run(parameters: INodeParameters, continueOnFail = false) {
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'getAll', download: true, ...parameters },
		continueOnFail,
	});
	return output[0];
}

const fileRequests = () => standIn.requests.filter((request) => request.path.startsWith('/files/'));
const withUrl = () => standIn.assets.filter((asset) => asset.url !== null);

it('downloads each asset into the binary field, with its name and MIME type, in order', async () => {
	const items = await run({ limit: 12 });
	expect(items.map((item) => item.json.id)).toEqual(
		standIn.assets.slice(0, 12).map((asset) => asset.id),
	);
	for (const item of items.filter((i) => i.json.url)) {
		const binary = item.binary?.data;
		expect(binary).toBeDefined();
		const bytes = Buffer.from(binary?.data ?? '', 'base64');
		expect(bytes).toHaveLength(FILE_SIZE);
		expect(bytes.subarray(0, 32).toString()).toBe(String(item.json.id));
		expect(binary?.mimeType).toMatch(/^(image|audio|video)\//);
		expect(binary?.fileName).toMatch(/\.(png|jpg|webp|mp3|wav|mp4|mov)$/);
	}
});

it('never sends the API key to the file host', async () => {
	await run({ limit: 12 });
	expect(fileRequests().length).toBeGreaterThan(0);
	expect(fileRequests().every((request) => request.apiKey === undefined)).toBe(true);
	expect(
		standIn.requestsTo('/v1/asset/list').every((request) => request.apiKey === standIn.apiKey),
	).toBe(true);
});

it('uses the binary field named by the user', async () => {
	const index = standIn.assets.findIndex((asset) => asset.url !== null);
	const items = await run({ limit: index + 1, binaryPropertyName: 'file' });
	expect(Object.keys(items[index].binary ?? {})).toEqual(['file']);
});

it('keeps to Parallel Downloads', async () => {
	standIn.set({ latencyMs: 40 });
	await run({ limit: 30, downloadConcurrency: 2 }, true);
	expect(standIn.fileStats.maxInFlight).toBe(2);
	standIn.reset();
	standIn.set({ latencyMs: 40 });
	await run({ limit: 30, downloadConcurrency: 6 }, true);
	expect(standIn.fileStats.maxInFlight).toBeGreaterThan(2);
	expect(standIn.fileStats.maxInFlight).toBeLessThanOrEqual(6);
});

it('a failed download fails the item with a NodeApiError naming the asset', async () => {
	const target = withUrl()[1];
	standIn.addFault({
		path: new URL(target.url as string).pathname,
		kind: 'status',
		status: 404,
		message: 'gone',
	});
	const error = await run({ returnAll: true }).catch((e: unknown) => e as NodeApiError);
	expect(error).toBeInstanceOf(NodeApiError);
	expect((error as NodeApiError).message).toBe(`Could not download asset ${target.id} (HTTP 404)`);
});

it("with continueOnFail, a failed download is that asset's error and the others keep their files", async () => {
	const noUrl = standIn.assets.filter((asset) => asset.url === null);
	const target = withUrl()[2];
	standIn.addFault({ path: new URL(target.url as string).pathname, kind: 'status', status: 500 });
	const items: INodeExecutionData[] = await run({ returnAll: true }, true);
	expect(items).toHaveLength(40);
	const failed = items.filter((item) => item.json.error);
	expect(failed.map((item) => item.json.id).sort()).toEqual(
		[target.id, ...noUrl.map((a) => a.id)].sort(),
	);
	expect(failed.every((item) => item.binary === undefined)).toBe(true);
	expect(items.filter((item) => !item.json.error).every((item) => item.binary?.data)).toBe(true);
});

it('Parallel Downloads outside 1–16 is a NodeOperationError', async () => {
	await expect(run({ limit: 1, downloadConcurrency: 0 })).rejects.toBeInstanceOf(
		NodeOperationError,
	);
});

describe('file names', () => {
	it('keeps a name that has an extension and makes it safe', () => {
		expect(fileNameFor({ id: 'a', name: 'demo.mp4' }, 'video/mp4', 'https://h/x')).toBe('demo.mp4');
		expect(fileNameFor({ id: 'a', name: 'a/b:c.png' }, 'image/png', 'https://h/x')).toBe(
			'a_b_c.png',
		);
	});
	it('adds an extension from the content type, else from the URL', () => {
		expect(fileNameFor({ id: 'a', name: 'be0897b9' }, 'image/jpeg', 'https://h/x')).toBe(
			'be0897b9.jpg',
		);
		expect(
			fileNameFor(
				{ id: 'a', name: 'be0897b9' },
				'application/octet-stream',
				'https://h/a/original.mp3',
			),
		).toBe('be0897b9.mp3');
		expect(fileNameFor({ id: 'abc', name: '' }, undefined, 'https://h/a/original')).toBe('abc');
	});
});

describe('bounded concurrency', () => {
	it('runs at most the limit at once and keeps the order', async () => {
		let running = 0;
		let peak = 0;
		const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 3, async (n) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setTimeout(resolve, n * 5));
			running--;
			return n * 10;
		});
		expect(out).toEqual([50, 10, 40, 20, 30, 0]);
		expect(peak).toBe(3);
	});
	it('rejects with the first failure and starts nothing after it', async () => {
		const started: number[] = [];
		await expect(
			mapWithConcurrency([1, 2, 3, 4, 5], 1, async (n) => {
				started.push(n);
				if (n === 2) throw new Error('boom');
				return n;
			}),
		).rejects.toThrow('boom');
		expect(started).toEqual([1, 2]);
	});
});
