/**
 * Uploads over a slow link: a file transfer has an idle timeout, not a limit on its whole time.
 * The stand-in reads file bodies at `linkBytesPerSecond` (the node meets TCP's backpressure, as on
 * a slow uplink) or stalls one part-way. The limits are shortened here: RETRY_POLICY.timeoutMs (an
 * API call's whole-request limit, which the multipart POST had) and TRANSFER_POLICY.idleTimeoutMs.
 * The files come from n8n's binary data store as streams (this file's container has a store of its
 * own), as they do in n8n 2.x: a stream's bytes can be seen leaving.
 */
import { Container } from '@n8n/di';
import axios from 'axios';
import { BinaryDataService } from 'n8n-core';
import { type INodeExecutionData, NodeApiError } from 'n8n-workflow';
import { createHash } from 'node:crypto';
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
/** The old whole-request limit of the multipart POST, shortened as the idle timeout is. */
const OLD_LIMIT_MS = 500;
const IDLE_MS = 1500;
const CHUNK = 64 * 1024;
/**
 * The slow link. The operating system takes up to about 5 MB of a body at once (measured on
 * loopback here) that then leaves unseen: at this rate that is well inside IDLE_MS.
 */
const LINK_BYTES_PER_SECOND = 8_000_000;

/** The file the store holds now. */
let file = Buffer.alloc(0);
const fileName = () => (file.length > MULTIPART_MAX_BYTES ? 'take.mp4' : 'take.wav');

beforeAll(async () => {
	standIn = await startStandIn({ assets: 1, folders: 0 });
	Container.set(BinaryDataService, {
		getMetadata: async () => ({
			fileSize: file.length,
			mimeType: file.length > MULTIPART_MAX_BYTES ? 'video/mp4' : 'audio/wav',
			fileName: fileName(),
		}),
		getAsStream: async () =>
			Readable.from(
				Array.from({ length: Math.ceil(file.length / CHUNK) }, (_, index) =>
					file.subarray(index * CHUNK, (index + 1) * CHUNK),
				),
			),
	} as unknown as BinaryDataService);
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, savedRetry);
	Object.assign(TRANSFER_POLICY, savedTransfer);
	await standIn.close();
});
beforeEach(() => {
	standIn.reset();
	Object.assign(RETRY_POLICY, { timeoutMs: OLD_LIMIT_MS, baseDelayMs: 20 });
	Object.assign(TRANSFER_POLICY, { idleTimeoutMs: IDLE_MS });
});

function stored(): INodeExecutionData {
	const id =
		'filesystem-v2:workflows/1/executions/1/binary_data/0c6f2b7e-4d1a-4d57-9a7e-000000000003';
	const mimeType = file.length > MULTIPART_MAX_BYTES ? 'video/mp4' : 'audio/wav';
	return {
		json: {},
		binary: { data: { id, data: 'filesystem-v2', mimeType, fileName: fileName() } },
	};
}

async function upload() {
	const startedAt = Date.now();
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'upload' },
		input: [stored()],
		nodeVersion: 2,
	});
	return { item: output[0][0], tookMs: Date.now() - startedAt };
}

async function uploadError() {
	return await upload().then(
		() => {
			throw new Error('the upload succeeded but an error was expected');
		},
		(error: unknown) => error as NodeApiError,
	);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sent = (path: string) => standIn.requests.filter((request) => request.path.startsWith(path));

describe('a slow link', () => {
	// n8n-core sets axios.defaults.timeout to 5 min (n8n 1.x and 2.x alike), and axios times a request
	// without redirects from its start to the answer's headers: a transfer that left its timeout unset
	// had that limit on its whole time. Shortened here as the idle timeout is (300 s against 120 s).
	const AXIOS_DEFAULT_MS = 1000;
	const savedAxiosTimeout = axios.defaults.timeout;
	beforeEach(() => {
		axios.defaults.timeout = AXIOS_DEFAULT_MS;
	});
	afterEach(() => {
		axios.defaults.timeout = savedAxiosTimeout;
	});

	it('a multipart upload that takes several times the old whole-request limit (and axios’s default) succeeds', async () => {
		file = Buffer.alloc(20_000_000, 0x41);
		standIn.set({ linkBytesPerSecond: LINK_BYTES_PER_SECOND });
		const { item, tookMs } = await upload();
		expect(tookMs).toBeGreaterThan(4 * OLD_LIMIT_MS);
		expect(standIn.uploads).toHaveLength(1);
		expect(standIn.uploads[0]).toMatchObject({ via: 'multipart', sha256: sha256(file) });
		expect(item.json.id).toBe(standIn.uploads[0].assetId);
		// One attempt: the idle timeout never fired while bytes kept moving.
		expect(sent('/v3/assets').filter((request) => request.method === 'POST')).toHaveLength(1);
	}, 30_000);

	it('a storage PUT that takes several times the idle timeout (and axios’s default) succeeds', async () => {
		file = Buffer.alloc(MULTIPART_MAX_BYTES + CHUNK, 0x42);
		standIn.set({ linkBytesPerSecond: LINK_BYTES_PER_SECOND });
		const { item, tookMs } = await upload();
		expect(tookMs).toBeGreaterThan(2 * IDLE_MS);
		expect(standIn.uploads).toHaveLength(1);
		expect(standIn.uploads[0]).toMatchObject({ via: 'direct', sha256: sha256(file) });
		expect(item.json.id).toBe(standIn.uploads[0].assetId);
		expect(sent('/uploads/')).toHaveLength(1);
	}, 60_000);
});

describe('a link that stalls', () => {
	// Only failures here, no slow link to cover for: a shorter idle timeout and one retry.
	const STALL_IDLE_MS = 600;
	beforeEach(() => {
		Object.assign(TRANSFER_POLICY, { idleTimeoutMs: STALL_IDLE_MS });
		Object.assign(RETRY_POLICY, { retries: 1 });
	});
	afterEach(() => Object.assign(RETRY_POLICY, { retries: savedRetry.retries }));

	it('a multipart upload whose bytes stop moving fails with the idle timeout in the message', async () => {
		file = Buffer.alloc(2_000_000, 0x43);
		standIn.addFault({
			path: '/v3/assets',
			method: 'POST',
			kind: 'stall',
			afterBytes: 200_000,
			times: RETRY_POLICY.retries + 1,
		});
		const error = await uploadError();
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Could not reach HeyGen');
		expect(error.description).toMatch(
			new RegExp(`ETIMEDOUT: Nothing moved for ${STALL_IDLE_MS / 1000} s \\(the idle timeout`),
		);
		expect(error.description).toMatch(/tried 2 times/);
		expect(standIn.uploads).toEqual([]);
	}, 30_000);

	it('a stall is retried: the next attempt that moves uploads the file, once', async () => {
		file = Buffer.alloc(2_000_000, 0x44);
		standIn.addFault({ path: '/v3/assets', method: 'POST', kind: 'stall', afterBytes: 100_000 });
		const { item } = await upload();
		expect(standIn.uploads).toHaveLength(1);
		expect(standIn.uploads[0].sha256).toBe(sha256(file));
		expect(item.json.id).toBe(standIn.uploads[0].assetId);
	}, 30_000);

	it("a storage PUT that stalls fails with the idle timeout, naming HeyGen's storage", async () => {
		file = Buffer.alloc(MULTIPART_MAX_BYTES + CHUNK, 0x45);
		const ticketPath = () => sent('/uploads/')[0]?.path;
		standIn.addFault({ kind: 'stall', method: 'PUT', afterBytes: 1_000_000, times: 10 });
		const error = await uploadError();
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Could not upload "take.mp4" to HeyGen\'s storage');
		expect(error.description).toMatch(/Nothing moved for 0\.6 s \(the idle timeout/);
		expect(ticketPath()).toMatch(/^\/uploads\//);
		expect(standIn.uploads).toEqual([]);
	}, 60_000);
});
