/**
 * File transfers at their edges: a run cancelled mid-transfer ends as cancelled, no answer at all is an idle timeout,
 * compressed downloads arrive whole, and a stalled attempt closes the file it read.
 */
import { binaryToBuffer } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { type IBinaryData, type INodeExecutionData, NodeApiError } from 'n8n-workflow';
import { Readable } from 'node:stream';

import { MULTIPART_MAX_BYTES } from '../nodes/HeyGen/api/upload/types';
import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { TRANSFER_POLICY } from '../nodes/HeyGen/transport/idle';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

const savedRetry = { ...RETRY_POLICY };
const savedTransfer = { ...TRANSFER_POLICY };
const IDLE_MS = 1500;
/**
 * Where an attempt only has to fail: a shorter idle timeout and one retry (no slow link to cover
 * for), so the failures come in seconds.
 */
const FAILING = { idleTimeoutMs: 600, retries: 1 };
const useFailingLimits = () => {
	Object.assign(TRANSFER_POLICY, { idleTimeoutMs: FAILING.idleTimeoutMs });
	Object.assign(RETRY_POLICY, { retries: FAILING.retries });
};
const ATTEMPTS = FAILING.retries + 1;
const idleText = `Nothing moved for ${FAILING.idleTimeoutMs / 1000} s \\(the idle timeout`;
const CHUNK = 64 * 1024;

let file = Buffer.alloc(0);
/** Every stream the binary data store handed out (a file in n8n's store: an fd, or an S3 GET). */
const opened: Readable[] = [];
const fileName = () => (file.length > MULTIPART_MAX_BYTES ? 'take.mp4' : 'take.wav');
const mimeType = () => (file.length > MULTIPART_MAX_BYTES ? 'video/mp4' : 'audio/wav');

beforeAll(async () => {
	standIn = await startStandIn({ assets: 3, folders: 0, seed: 3, fileSizeBytes: 6_000_000 });
	Container.set(BinaryDataService, {
		getMetadata: async () => ({
			fileSize: file.length,
			mimeType: mimeType(),
			fileName: fileName(),
		}),
		getAsStream: async () => {
			const stream = Readable.from(
				Array.from({ length: Math.ceil(file.length / CHUNK) }, (_, index) =>
					file.subarray(index * CHUNK, (index + 1) * CHUNK),
				),
			);
			opened.push(stream);
			return stream;
		},
		// n8n's default (in-memory) mode, as BinaryDataService.store does it without a manager.
		store: async (_location: unknown, data: Buffer | Readable, binary: IBinaryData) => {
			const buffer = await binaryToBuffer(data);
			binary.data = buffer.toString('base64');
			binary.bytes = buffer.length;
			return binary;
		},
	} as unknown as BinaryDataService);
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, savedRetry);
	Object.assign(TRANSFER_POLICY, savedTransfer);
	await standIn.close();
});
beforeEach(() => {
	opened.length = 0;
	standIn.reset();
	Object.assign(RETRY_POLICY, { ...savedRetry, baseDelayMs: 20 });
	Object.assign(TRANSFER_POLICY, { ...savedTransfer, idleTimeoutMs: IDLE_MS });
});

function stored(): INodeExecutionData {
	const id =
		'filesystem-v2:workflows/1/executions/1/binary_data/0c6f2b7e-4d1a-4d57-9a7e-000000000003';
	return {
		json: {},
		binary: { data: { id, data: 'filesystem-v2', mimeType: mimeType(), fileName: fileName() } },
	};
}

function inMemory(bytes: Buffer, name: string, type: string): INodeExecutionData {
	const binary: IBinaryData = {
		data: bytes.toString('base64'),
		mimeType: type,
		fileName: name,
		fileSize: String(bytes.length),
	};
	return { json: {}, binary: { data: binary } };
}

async function upload(input = [stored()], abortSignal?: AbortSignal) {
	const startedAt = Date.now();
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'upload' },
		input,
		nodeVersion: 2,
		abortSignal,
	});
	return { item: output[0][0], tookMs: Date.now() - startedAt };
}

async function failure<T>(promise: Promise<T>) {
	return await promise.then(
		() => {
			throw new Error('succeeded but an error was expected');
		},
		(error: unknown) => error as NodeApiError,
	);
}

/** Aborts the run `afterMs` after it starts; resolves the error and how long it took after the abort. */
async function cancelledAfter<T>(afterMs: number, run: (signal: AbortSignal) => Promise<T>) {
	const controller = new AbortController();
	let abortedAt = 0;
	const timer = setTimeout(() => {
		abortedAt = Date.now();
		controller.abort();
	}, afterMs);
	const error = await failure(run(controller.signal));
	clearTimeout(timer);
	return { error, sinceAbortMs: Date.now() - abortedAt, aborted: abortedAt > 0 };
}

describe('a run cancelled during a transfer', () => {
	it('a slow multipart upload ends at once as cancelled', async () => {
		file = Buffer.alloc(20_000_000, 0x51);
		standIn.set({ linkBytesPerSecond: 4_000_000 });
		const { error, sinceAbortMs, aborted } = await cancelledAfter(
			800,
			async (signal) => await upload([stored()], signal),
		);
		expect(aborted).toBe(true);
		expect(error.message).toBe('The execution was cancelled');
		expect(sinceAbortMs).toBeLessThan(500);
		expect(standIn.uploads).toEqual([]);
	}, 30_000);

	it('a stalled storage PUT ends at once as cancelled, not as a stall', async () => {
		file = Buffer.alloc(MULTIPART_MAX_BYTES + CHUNK, 0x52);
		standIn.addFault({ kind: 'stall', method: 'PUT', afterBytes: 1_000_000, times: 10 });
		const { error, sinceAbortMs, aborted } = await cancelledAfter(
			IDLE_MS + 500,
			async (signal) => await upload([stored()], signal),
		);
		expect(aborted).toBe(true);
		expect(error.message).toBe('The execution was cancelled');
		expect(sinceAbortMs).toBeLessThan(500);
	}, 60_000);

	it('a stalled in-memory multipart upload ends at once as cancelled', async () => {
		const bytes = Buffer.alloc(300_000, 0x53);
		standIn.addFault({
			path: '/v3/assets',
			method: 'POST',
			kind: 'slow',
			delayMs: 20_000,
			times: 4,
		});
		const { error, sinceAbortMs, aborted } = await cancelledAfter(
			700,
			async (signal) => await upload([inMemory(bytes, 'a.wav', 'audio/wav')], signal),
		);
		expect(aborted).toBe(true);
		expect(error.message).toBe('The execution was cancelled');
		expect(sinceAbortMs).toBeLessThan(500);
	}, 30_000);

	it('a slow download ends at once as cancelled', async () => {
		standIn.set({ linkBytesPerSecond: 1_000_000 });
		const { error, sinceAbortMs, aborted } = await cancelledAfter(
			800,
			async (signal) => await download(signal),
		);
		expect(aborted).toBe(true);
		expect(error.message).toBe('The execution was cancelled');
		expect(sinceAbortMs).toBeLessThan(500);
	}, 30_000);

	it('a stalled download ends at once as cancelled', async () => {
		standIn.addFault({ path: filePath(), kind: 'stall', afterBytes: 100_000, times: 10 });
		const { error, sinceAbortMs, aborted } = await cancelledAfter(
			IDLE_MS + 300,
			async (signal) => await download(signal),
		);
		expect(aborted).toBe(true);
		expect(error.message).toBe('The execution was cancelled');
		expect(sinceAbortMs).toBeLessThan(500);
	}, 30_000);
});

function assetWithFile() {
	const asset = standIn.assets.find((candidate) => candidate.url !== null);
	if (!asset) throw new Error('the seed has no asset with a file');
	return asset;
}
const filePath = () => new URL(String(assetWithFile().url)).pathname;
const fileRequests = () => standIn.requests.filter((request) => request.path.startsWith('/files/'));

async function download(abortSignal?: AbortSignal) {
	const asset = assetWithFile();
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: {
			resource: 'asset',
			operation: 'get',
			assetId: { __rl: true, mode: 'id', value: asset.id },
			download: true,
		},
		nodeVersion: 2,
		abortSignal,
	});
	return output[0][0];
}

describe('no answer at all', () => {
	beforeEach(useFailingLimits);
	it('a download whose headers never come fails with the idle timeout, each attempt bounded', async () => {
		standIn.addFault({ path: filePath(), kind: 'slow', delayMs: 60_000, times: ATTEMPTS });
		const startedAt = Date.now();
		const error = await failure(download());
		expect(error.description).toMatch(new RegExp(`${idleText}.*tried ${ATTEMPTS} times`));
		expect(Date.now() - startedAt).toBeLessThan(ATTEMPTS * FAILING.idleTimeoutMs + 3000);
		expect(fileRequests()).toHaveLength(ATTEMPTS);
	}, 30_000);

	it('an in-memory multipart upload the server never answers fails after grace + idle', async () => {
		Object.assign(TRANSFER_POLICY, { inMemoryBytesPerSecond: 600_000 });
		const bytes = Buffer.alloc(300_000, 0x54);
		standIn.addFault({
			path: '/v3/assets',
			method: 'POST',
			kind: 'slow',
			delayMs: 60_000,
			times: ATTEMPTS,
		});
		const startedAt = Date.now();
		const error = await failure(upload([inMemory(bytes, 'a.wav', 'audio/wav')]));
		expect(error.description).toMatch(new RegExp(`${idleText}.*tried ${ATTEMPTS} times`));
		expect(Date.now() - startedAt).toBeLessThan(ATTEMPTS * (FAILING.idleTimeoutMs + 500) + 3000);
	}, 30_000);

	it('a small streamed multipart the server takes but never answers fails with the idle timeout', async () => {
		file = Buffer.alloc(100_000, 0x55);
		standIn.addFault({
			path: '/v3/assets',
			method: 'POST',
			kind: 'slow',
			delayMs: 60_000,
			times: ATTEMPTS,
		});
		const error = await failure(upload());
		expect(error.description).toMatch(new RegExp(`${idleText}.*tried ${ATTEMPTS} times`));
	}, 30_000);
});

describe('a download that comes compressed', () => {
	// A file host that answers with Content-Encoding gzip or deflate (axios hands a zlib stream).
	let gzipStandIn: StandIn;
	let host: import('node:http').Server;
	let encoding = 'gzip';
	beforeAll(async () => {
		const http = await import('node:http');
		const zlib = await import('node:zlib');
		host = http.createServer((req, res) => {
			void (async () => {
				const upstream = await fetch(`${gzipStandIn.url}${req.url}`);
				const bytes = Buffer.from(await upstream.arrayBuffer());
				const body = encoding === 'gzip' ? zlib.gzipSync(bytes) : zlib.deflateSync(bytes);
				res.writeHead(200, {
					'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
					'content-encoding': encoding,
					'content-length': body.length,
				});
				// In pieces, slowly enough that progress matters.
				for (let at = 0; at < body.length; at += 16 * 1024) {
					res.write(body.subarray(at, at + 16 * 1024));
					await new Promise((resolve) => setTimeout(resolve, 2));
				}
				res.end();
			})();
		});
		await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
		const port = (host.address() as import('node:net').AddressInfo).port;
		gzipStandIn = await startStandIn({
			assets: 3,
			folders: 0,
			seed: 3,
			fileSizeBytes: 3_000_000,
			fileOrigin: `http://127.0.0.1:${port}`,
		});
	});
	afterAll(async () => {
		await gzipStandIn.close();
		await new Promise((resolve) => host.close(resolve));
	});

	it.each(['gzip', 'deflate'])(
		'a %s-encoded file arrives whole and decoded',
		async (kind) => {
			encoding = kind;
			const asset = gzipStandIn.assets.find((candidate) => candidate.url !== null);
			if (!asset) throw new Error('no asset with a file');
			const { output } = await runHeyGenNode({
				credentials: { apiKey: gzipStandIn.apiKey, baseUrl: gzipStandIn.url },
				parameters: {
					resource: 'asset',
					operation: 'get',
					assetId: { __rl: true, mode: 'id', value: asset.id },
					download: true,
				},
				nodeVersion: 2,
			});
			const bytes = Buffer.from(String(output[0][0].binary?.data.data), 'base64');
			expect(bytes).toHaveLength(3_000_000);
			expect(bytes.subarray(0, asset.id.length).toString()).toBe(asset.id);
		},
		30_000,
	);
});

describe('what a stalled attempt leaves behind', () => {
	beforeEach(useFailingLimits);
	const leftOpen = () => opened.filter((stream) => !stream.destroyed && !stream.readableEnded);

	it('a stalled storage PUT closes the file it was reading from the binary store', async () => {
		file = Buffer.alloc(MULTIPART_MAX_BYTES + CHUNK, 0x61);
		standIn.addFault({ kind: 'stall', method: 'PUT', afterBytes: 1_000_000, times: 10 });
		const error = await failure(upload());
		expect(error.description).toMatch(new RegExp(idleText));
		await new Promise((resolve) => setTimeout(resolve, 200));
		// One read for the SHA-256, then each attempt's: each must have let go of its stream.
		expect(opened).toHaveLength(1 + ATTEMPTS);
		expect(leftOpen()).toHaveLength(0);
	}, 60_000);

	it('a stalled multipart upload closes the file it was reading from the binary store', async () => {
		file = Buffer.alloc(20_000_000, 0x62);
		standIn.addFault({
			path: '/v3/assets',
			method: 'POST',
			kind: 'stall',
			afterBytes: 1_000_000,
			times: ATTEMPTS,
		});
		const error = await failure(upload());
		expect(error.description).toMatch(new RegExp(idleText));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(opened).toHaveLength(1 + ATTEMPTS);
		expect(leftOpen()).toHaveLength(0);
	}, 60_000);
});
