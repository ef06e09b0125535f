/**
 * The upload's fault matrix: Asset → Upload against a stand-in that speaks HeyGen's upload
 * protocol as its own client does (409s while the storage catches up or the same key still runs,
 * files that share a name and size). Waits are shortened here (RETRY_POLICY, CONFLICT_POLICY).
 */
import {
	type IBinaryData,
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
} from 'n8n-workflow';

import { CONFLICT_POLICY } from '../nodes/HeyGen/transport/conflict';
import { MULTIPART_MAX_BYTES } from '../nodes/HeyGen/api/upload/types';
import { PROCESSING_POLICY } from '../nodes/HeyGen/api/processing';
import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { TRANSFER_POLICY } from '../nodes/HeyGen/transport/idle';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

const savedRetry = { ...RETRY_POLICY };
const savedConflict = { ...CONFLICT_POLICY };
const savedProcessing = { ...PROCESSING_POLICY };
const savedTransfer = { ...TRANSFER_POLICY };
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 3, folders: 0 });
	Object.assign(RETRY_POLICY, { baseDelayMs: 20 });
	Object.assign(CONFLICT_POLICY, {
		notFoundYetStepMs: 10,
		inProgressBaseDelayMs: 50,
		inProgressMaxDelayMs: 200,
	});
	Object.assign(PROCESSING_POLICY, { firstDelayMs: 10, maxDelayMs: 50 });
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, savedRetry);
	Object.assign(CONFLICT_POLICY, savedConflict);
	Object.assign(PROCESSING_POLICY, savedProcessing);
	await standIn.close();
});
beforeEach(() => standIn.reset());
afterEach(() => Object.assign(TRANSFER_POLICY, savedTransfer));

function fileItem(bytes: Buffer, fileName: string, mimeType: string): INodeExecutionData {
	const binary: IBinaryData = {
		data: bytes.toString('base64'),
		mimeType,
		fileName,
		fileSize: String(bytes.length),
	};
	return { json: {}, binary: { data: binary } };
}

async function upload(
	input: INodeExecutionData[],
	extra: {
		continueOnFail?: boolean;
		executionId?: string;
		runIndex?: number;
		options?: INodeParameters;
	} = {},
) {
	const { options, ...rest } = extra;
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'asset', operation: 'upload', ...(options ? { options } : {}) },
		input,
		nodeVersion: 2,
		...rest,
	});
	return output[0];
}

const big = Buffer.alloc(MULTIPART_MAX_BYTES + 1, 0x61);
const completes = () => standIn.requests.filter((request) => request.path.endsWith('/complete'));

describe('complete answers 409 "Uploaded object not found yet" (the storage catching up)', () => {
	it('is tried again with a short backoff, and the upload succeeds: one asset', async () => {
		standIn.set({ storageLag: 2 });
		const [item] = await upload([fileItem(big, 'take.mp4', 'video/mp4')]);
		expect(completes().map((request) => request.status)).toEqual([409, 409, 200]);
		expect(standIn.uploads).toHaveLength(1);
		expect(item.json.id).toBe(standIn.uploads[0].assetId);
	});

	it('past HeyGen client’s 5 retries it is a clear error that says what was waited', async () => {
		standIn.set({ storageLag: CONFLICT_POLICY.notFoundYetRetries + 1 });
		const [item] = await upload([fileItem(big, 'take.mp4', 'video/mp4')], {
			continueOnFail: true,
		});
		expect(item.json.error).toBe('HeyGen error: Uploaded object not found yet');
		expect(completes()).toHaveLength(CONFLICT_POLICY.notFoundYetRetries + 1);
		expect(standIn.uploads).toEqual([]);
	});

	it('any other 409 stays an error at once', async () => {
		standIn.addFault({ path: '/v3/assets', method: 'POST', kind: 'status', status: 409 });
		const failed = await upload([fileItem(Buffer.from('png'), 'a.png', 'image/png')]).then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(failed).toBeInstanceOf(NodeApiError);
		expect(failed?.httpCode).toBe('409');
		expect(standIn.requestsTo('/v3/assets')).toHaveLength(1);
	});
});

describe('409 request_in_progress (a retry while the first attempt with its key still runs)', () => {
	it('is waited out with the same key until the stored answer comes: one asset', async () => {
		// HeyGen says nothing while the first attempt runs, past the idle timeout: the node retries.
		Object.assign(TRANSFER_POLICY, { idleTimeoutMs: 300 });
		standIn.set({ writeMs: 1000 });
		const [item] = await upload([fileItem(Buffer.from('png bytes'), 'a.png', 'image/png')]);
		const posts = standIn.requestsTo('/v3/assets').filter((request) => request.method === 'POST');
		expect(posts.map((request) => request.status)).toContain(409);
		expect(new Set(posts.map((request) => request.idempotencyKey)).size).toBe(1);
		expect(standIn.uploads).toHaveLength(1);
		expect(item.json.id).toBe(standIn.uploads[0].assetId);
	}, 20_000);

	it('bounded: when the first attempt never ends, a clear error with the wait in it', async () => {
		Object.assign(TRANSFER_POLICY, { idleTimeoutMs: 300 });
		standIn.set({ writeMs: 60_000 });
		const error = await upload([fileItem(Buffer.from('png bytes'), 'a.png', 'image/png')]).then(
			() => undefined,
			(caught: unknown) => caught as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.httpCode).toBe('409');
		expect(error?.description).toMatch(/Waited [\d.]+ s in all/);
		expect(error?.description).toMatch(/409 request_in_progress/);
		await standIn.idle(100);
	}, 20_000);
});

describe('Idempotency-Keys that identify one file', () => {
	const wav = (fill: number) => Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4000, fill)]);

	it.each([
		['one request each', 1],
		["HeyGen's direct upload", MULTIPART_MAX_BYTES + 1],
	])(
		'Loop Over Items uploading two same-named, same-sized files (%s): two assets, two answers',
		async (_path, size) => {
			// The loop runs the node once per batch in the same execution, each time with item index 0.
			const files = [0x31, 0x32].map((fill) => Buffer.concat([wav(fill), Buffer.alloc(size)]));
			const items = [];
			for (const [runIndex, bytes] of files.entries()) {
				const [item] = await upload([fileItem(bytes, 'take.wav', 'audio/wav')], {
					executionId: 'loop-execution-1',
					runIndex,
				});
				items.push(item.json);
			}
			expect(standIn.uploads).toHaveLength(2);
			expect(new Set(items.map((item) => item.id)).size).toBe(2);
			expect(items.map((item) => item.id)).toEqual(standIn.uploads.map((u) => u.assetId));
		},
	);

	it('the same file again in the same place (a retried run) gets the same key: one asset', async () => {
		const bytes = wav(0x33);
		const again = { executionId: 'retry-execution-1', runIndex: 0 };
		const [first] = await upload([fileItem(bytes, 'take.wav', 'audio/wav')], again);
		const [second] = await upload([fileItem(bytes, 'take.wav', 'audio/wav')], again);
		expect(second.json.id).toBe(first.json.id);
		expect(standIn.uploads).toHaveLength(1);
	});

	it('create and complete carry keys of their own, in the characters HeyGen allows', async () => {
		await upload([fileItem(big, 'take.mp4', 'video/mp4')]);
		const keys = standIn.requests
			.filter((request) => request.method === 'POST')
			.map((request) => request.idempotencyKey);
		expect(keys).toHaveLength(2);
		expect(keys[0]).not.toBe(keys[1]);
		for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_:.-]{1,255}$/);
	});
});

describe('what HeyGen takes and answers', () => {
	it("a file over the ticket's max_bytes is refused with the limit in the message, before the PUT", async () => {
		standIn.set({ ticketMaxBytes: MULTIPART_MAX_BYTES });
		const [item] = await upload([fileItem(big, 'take.mp4', 'video/mp4')], {
			continueOnFail: true,
		});
		expect(item.json.error).toBe(
			`"take.mp4" is larger than HeyGen's direct upload takes (${MULTIPART_MAX_BYTES} bytes)`,
		);
		expect(standIn.requests.map((request) => request.method)).toEqual(['POST']);
		expect(standIn.uploads).toEqual([]);
	});
});

describe('answers of 204 with an empty body', () => {
	it('a complete answered 204 is a success: the asset the ticket named', async () => {
		standIn.set({ emptyAnswers: true });
		const [item] = await upload([fileItem(big, 'take.mp4', 'video/mp4')]);
		expect(standIn.uploads).toHaveLength(1);
		expect(item.json).toMatchObject({ id: standIn.uploads[0].assetId, name: 'take.mp4' });
	});

	it('a DELETE answered 204 is a success: { id, deleted: true }', async () => {
		standIn.set({ emptyAnswers: true });
		const [asset] = standIn.assets;
		const { output } = await runHeyGenNode({
			credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
			parameters: {
				resource: 'asset',
				operation: 'delete',
				assetId: { __rl: true, mode: 'id', value: asset.id },
			},
			nodeVersion: 2,
		});
		expect(output[0].map((item) => item.json)).toEqual([{ id: asset.id, deleted: true }]);
		expect(standIn.deleted).toEqual([asset.id]);
	});
});

describe('assets HeyGen still processes after the upload', () => {
	const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(500, 1)]);
	const statusReads = () => standIn.requestsTo('/v3/assets/statuses');

	it("by default the item goes on at once, carrying HeyGen's status", async () => {
		standIn.set({ processingPolls: 2 });
		const [item] = await upload([fileItem(png, 'a.png', 'image/png')]);
		expect(item.json.status).toBe('processing');
		expect(statusReads()).toHaveLength(0);
	});

	it('Wait for Processing polls GET /v3/assets/statuses until completed', async () => {
		standIn.set({ processingPolls: 2 });
		const [item] = await upload([fileItem(png, 'a.png', 'image/png')], {
			options: { waitForProcessing: true },
		});
		expect(item.json).toMatchObject({ id: standIn.uploads[0].assetId, status: 'completed' });
		expect(statusReads()).toHaveLength(3);
		expect(statusReads()[0].query).toEqual({ asset_ids: standIn.uploads[0].assetId });
	});

	it('an asset whose processing fails is a clear error naming it', async () => {
		standIn.set({ processingPolls: 1, processingFails: true });
		const [item] = await upload([fileItem(png, 'a.png', 'image/png')], {
			options: { waitForProcessing: true },
			continueOnFail: true,
		});
		expect(item.json.error).toBe(
			`HeyGen could not process asset ${standIn.uploads[0].assetId} ("a.png"): failed`,
		);
	});

	it('processing that outlasts Processing Timeout fails with the timeout in the message', async () => {
		standIn.set({ processingPolls: 1_000_000 });
		const [item] = await upload([fileItem(png, 'a.png', 'image/png')], {
			options: { waitForProcessing: true, processingTimeout: 1 },
			continueOnFail: true,
		});
		expect(item.json.error).toBe(
			`HeyGen was still processing asset ${standIn.uploads[0].assetId} ("a.png") after 1 s`,
		);
		expect(statusReads().length).toBeGreaterThan(1);
	});
});
