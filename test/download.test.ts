import {
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { mapWithConcurrency } from '../nodes/HeyGen/execution/concurrency';
import { fileNameFor } from '../nodes/HeyGen/api/download';
import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;
const FILE_SIZE = 3000;

// Retries back off for 20 ms instead of seconds here: only the waits change (RETRY_POLICY).
const { baseDelayMs } = RETRY_POLICY;
beforeAll(async () => {
	RETRY_POLICY.baseDelayMs = 20;
	standIn = await startStandIn({ assets: 40, folders: 2, seed: 5, fileSizeBytes: FILE_SIZE });
});
afterAll(async () => {
	RETRY_POLICY.baseDelayMs = baseDelayMs;
	await standIn.close();
});
beforeEach(async () => {
	// Downloads stopped by an earlier test may still be arriving: let them settle first.
	await standIn.idle();
	standIn.reset();
});

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

it('keeps to Requests at Once', async () => {
	standIn.set({ latencyMs: 40 });
	await run({ limit: 30, options: { requestsAtOnce: 2 } }, true);
	expect(standIn.fileStats.maxInFlight).toBe(2);
	standIn.reset();
	standIn.set({ latencyMs: 40 });
	await run({ limit: 30, options: { requestsAtOnce: 6 } }, true);
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
	standIn.addFault({ path: new URL(target.url as string).pathname, kind: 'status', status: 404 });
	const items: INodeExecutionData[] = await run({ returnAll: true }, true);
	expect(items).toHaveLength(40);
	const failed = items.filter((item) => item.json.error);
	expect(failed.map((item) => item.json.id)).toEqual([target.id]);
	expect(failed[0].json.error).toBe(`Could not download asset ${target.id} (HTTP 404)`);
	expect(failed.every((item) => item.binary === undefined)).toBe(true);
	const skipped = items.filter((item) => item.json.download_skipped);
	expect(skipped.map((item) => item.json.id)).toEqual(noUrl.map((asset) => asset.id));
	const rest = items.filter((item) => !item.json.error && !item.json.download_skipped);
	expect(rest.length).toBe(40 - 1 - noUrl.length);
	expect(rest.every((item) => item.binary?.data)).toBe(true);
});

describe('downloads recover, or fail clearly', () => {
	const firstWithUrl = () => withUrl()[0];
	const pathOf = (asset: { url: string | null }) => new URL(asset.url as string).pathname;
	const indexOf = (asset: { id: string }) =>
		standIn.assets.findIndex((candidate) => candidate.id === asset.id);
	const onlyThat = (asset: { id: string }) => ({ limit: indexOf(asset) + 1 });

	it.each([
		['a 503', { kind: 'status', status: 503 }],
		['a 429 with Retry-After', { kind: 'status', status: 429, retryAfter: '1' }],
		['a reset connection', { kind: 'reset' }],
		['a connection that drops half-way through the file', { kind: 'cutFile' }],
	] as const)(
		'%s is retried, and the file comes whole',
		async (_label, fault) => {
			const asset = firstWithUrl();
			standIn.addFault({ path: pathOf(asset), ...fault });
			const items = await run(onlyThat(asset));
			const item = items.find((candidate) => candidate.json.id === asset.id);
			const bytes = Buffer.from(String(item?.binary?.data.data), 'base64');
			expect(bytes).toHaveLength(FILE_SIZE);
			expect(bytes.subarray(0, 32).toString()).toBe(asset.id);
			expect(standIn.requestsTo(pathOf(asset))).toHaveLength(2);
		},
		20_000,
	);

	it('a 404 is not retried', async () => {
		const asset = firstWithUrl();
		standIn.addFault({ path: pathOf(asset), kind: 'status', status: 404 });
		const error = await run(onlyThat(asset)).catch((caught: unknown) => caught as NodeApiError);
		expect((error as NodeApiError).message).toBe(`Could not download asset ${asset.id} (HTTP 404)`);
		expect(standIn.requestsTo(pathOf(asset))).toHaveLength(1);
	});

	it('a connection that keeps dropping: "Could not download asset …" after the retries', async () => {
		const asset = firstWithUrl();
		standIn.addFault({ path: pathOf(asset), kind: 'cutFile', times: 10 });
		const error = await run(onlyThat(asset)).catch((caught: unknown) => caught as NodeApiError);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe(`Could not download asset ${asset.id}`);
		expect((error as NodeApiError).description).toMatch(/^ECONNRESET: .*, tried 4 times\.$/);
		expect(standIn.requestsTo(pathOf(asset))).toHaveLength(4);
	}, 30_000);

	it('when one download fails (On Error → Stop), the others are stopped at once', async () => {
		const [failing, ...slow] = withUrl().slice(0, 4);
		// Every file takes 300 ms, so that all four are under way when the first one fails.
		standIn.set({ latencyMs: 300 });
		standIn.addFault({ path: pathOf(failing), kind: 'status', status: 404 });
		for (const asset of slow)
			standIn.addFault({ path: pathOf(asset), kind: 'slow', delayMs: 8000 });
		const started = Date.now();
		const last = Math.max(...[failing, ...slow].map(indexOf));
		const error = await run({ limit: last + 1, options: { requestsAtOnce: 4 } }).catch(
			(caught: unknown) => caught as NodeApiError,
		);
		expect((error as NodeApiError).message).toBe(
			`Could not download asset ${failing.id} (HTTP 404)`,
		);
		expect(Date.now() - started).toBeLessThan(4000);
		const slowRequests = slow.flatMap((asset) => standIn.requestsTo(pathOf(asset)));
		expect(slowRequests).toHaveLength(3);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(slowRequests.every((request) => request.abortedAt !== undefined)).toBe(true);
	}, 20_000);

	it('an asset without a URL comes out without a file, saying why, and the run goes on', async () => {
		const noUrl = standIn.assets.findIndex((asset) => asset.url === null);
		expect(noUrl).toBeGreaterThanOrEqual(0);
		const items = await run({ limit: noUrl + 1 });
		expect(items[noUrl].json.download_skipped).toBe(
			'HeyGen lists this asset without a download URL',
		);
		expect(items[noUrl].binary).toBeUndefined();
	});
});

it('Requests at Once outside 1–50 is a NodeOperationError', async () => {
	await expect(run({ limit: 1, options: { requestsAtOnce: 0 } })).rejects.toBeInstanceOf(
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
		expect(fileNameFor({ id: 'abc', name: '' }, undefined, 'https://h/a/original')).toBe(
			'asset-abc',
		);
	});
	it.each([
		['only dots', '...', 'asset-x1.png'],
		['dots and spaces around', ' . report.pdf. ', 'report.pdf'],
		['control characters', 'a\u0000b\u0007c', 'a_b_c.png'],
		['bidi overrides', 'invoice\u202Egnp.exe', 'invoice_gnp.exe'],
		['a device name', 'CON', '_CON.png'],
		['slashes only', '///', 'asset-x1.png'],
	])('a name of %s is made safe', (_label, name, expected) => {
		expect(fileNameFor({ id: 'x1', name }, 'image/png', 'https://h/x')).toBe(expected);
	});
	it('reads odd content types', () => {
		expect(fileNameFor({ id: 'x', name: 'a' }, 'IMAGE/PNG; charset=binary', 'https://h/x')).toBe(
			'a.png',
		);
		expect(fileNameFor({ id: 'x', name: 'a' }, 'x-unknown/../../etc', 'https://h/x')).toBe('a');
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
