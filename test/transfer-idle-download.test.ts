/**
 * Downloads over a slow link: a download has an idle timeout, not a limit on its whole time. The
 * stand-in's file host sends at `linkBytesPerSecond`, or stops part-way (a stall) and holds the
 * connection open without a word. TRANSFER_POLICY.idleTimeoutMs is shortened here.
 */
import { type INodeParameters, NodeApiError } from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { TRANSFER_POLICY } from '../nodes/HeyGen/transport/idle';
import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

const FILE_BYTES = 6_000_000;
const LINK_BYTES_PER_SECOND = 2_000_000;
const IDLE_MS = 1000;
const savedRetry = { ...RETRY_POLICY };
const savedTransfer = { ...TRANSFER_POLICY };

beforeAll(async () => {
	standIn = await startStandIn({ assets: 5, folders: 0, seed: 3, fileSizeBytes: FILE_BYTES });
	Object.assign(RETRY_POLICY, { baseDelayMs: 20 });
	Object.assign(TRANSFER_POLICY, { idleTimeoutMs: IDLE_MS });
});
afterAll(async () => {
	Object.assign(RETRY_POLICY, savedRetry);
	Object.assign(TRANSFER_POLICY, savedTransfer);
	await standIn.close();
});
beforeEach(() => standIn.reset());

function assetWithFile() {
	const asset = standIn.assets.find((candidate) => candidate.url !== null);
	if (!asset) throw new Error('the seed has no asset with a file');
	return asset;
}

async function download(extra: INodeParameters = {}) {
	const asset = assetWithFile();
	const startedAt = Date.now();
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: {
			resource: 'asset',
			operation: 'get',
			assetId: { __rl: true, mode: 'id', value: asset.id },
			download: true,
			...extra,
		},
		nodeVersion: 2,
	});
	return { item: output[0][0], tookMs: Date.now() - startedAt, asset };
}

const filePath = () => new URL(String(assetWithFile().url)).pathname;
const fileRequests = () => standIn.requests.filter((request) => request.path.startsWith('/files/'));

it('a download that takes several times the idle timeout succeeds, in one attempt', async () => {
	standIn.set({ linkBytesPerSecond: LINK_BYTES_PER_SECOND });
	const { item, tookMs, asset } = await download();
	expect(tookMs).toBeGreaterThan(2 * IDLE_MS);
	const bytes = Buffer.from(String(item.binary?.data.data), 'base64');
	expect(bytes).toHaveLength(FILE_BYTES);
	expect(bytes.subarray(0, asset.id.length).toString()).toBe(asset.id);
	expect(fileRequests()).toHaveLength(1);
}, 30_000);

it('a download that stops moving fails with the idle timeout in the message', async () => {
	standIn.addFault({
		path: filePath(),
		kind: 'stall',
		afterBytes: 500_000,
		times: RETRY_POLICY.retries + 1,
	});
	const error = await download().then(
		() => {
			throw new Error('the download succeeded but an error was expected');
		},
		(caught: unknown) => caught as NodeApiError,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.message).toBe(`Could not download asset ${assetWithFile().id}`);
	expect(error.description).toMatch(
		/ETIMEDOUT: Nothing moved for 1 s \(the idle timeout of a file transfer.*tried 4 times/,
	);
	expect(fileRequests()).toHaveLength(RETRY_POLICY.retries + 1);
}, 30_000);

it('a stall is retried: the next attempt brings the whole file', async () => {
	standIn.addFault({ path: filePath(), kind: 'stall', afterBytes: 500_000 });
	const { item } = await download();
	expect(Buffer.from(String(item.binary?.data.data), 'base64')).toHaveLength(FILE_BYTES);
	expect(fileRequests()).toHaveLength(2);
}, 30_000);
