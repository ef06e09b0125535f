/**
 * Node version 2 and the whole asset lifecycle — Get, Upload, Delete and the asset picker — run with
 * n8n-core's contexts against the stand-in over real HTTP. (Folders: folders.test.ts.)
 */
import { createHash } from 'node:crypto';

import {
	type IBinaryData,
	type INodeExecutionData,
	type INodeParameters,
	NodeApiError,
	NodeHelpers,
	NodeOperationError,
} from 'n8n-workflow';

import { HeyGen } from '../nodes/HeyGen/HeyGen.node';
import { HeyGenTrigger } from '../nodes/HeyGen/HeyGenTrigger.node';
import { MULTIPART_MAX_BYTES } from '../nodes/HeyGen/api/upload/types';
import { heyGenTrigger, runHeyGenNode, searchAssets } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({
		assets: { image: 60, audio: 50, video: 40 },
		folders: 3,
		seed: 21,
		fileSizeBytes: 1000,
	});
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

const credentials = () => ({ apiKey: standIn.apiKey, baseUrl: standIn.url });

async function run(
	parameters: INodeParameters,
	extra: { input?: INodeExecutionData[]; continueOnFail?: boolean; nodeVersion?: number } = {},
) {
	const { output } = await runHeyGenNode({
		credentials: credentials(),
		parameters,
		input: extra.input,
		continueOnFail: extra.continueOnFail,
		nodeVersion: extra.nodeVersion ?? 2,
	});
	return output[0];
}

async function runError(parameters: INodeParameters, extra: { input?: INodeExecutionData[] } = {}) {
	try {
		await run(parameters, extra);
	} catch (error) {
		return error as NodeApiError & NodeOperationError;
	}
	throw new Error('the node succeeded but an error was expected');
}

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

function fileItem(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
	field = 'data',
): INodeExecutionData {
	const binary: IBinaryData = {
		data: bytes.toString('base64'),
		mimeType,
		fileName,
		fileSize: String(bytes.length),
	};
	return { json: { source: fileName }, binary: { [field]: binary } };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('node versions', () => {
	it('a saved version-1 workflow without apiVersion still lists through /v1/asset/list', async () => {
		const items = await run(
			{ resource: 'asset', operation: 'getAll', limit: 5 },
			{ nodeVersion: 1 },
		);
		expect(items).toHaveLength(5);
		expect(standIn.requestsTo('/v1/asset/list')).toHaveLength(1);
		expect(standIn.requestsTo('/v3/assets')).toHaveLength(0);
	});

	it('version 2 lists with v3 by default, in the same output shape', async () => {
		const items = await run({ resource: 'asset', operation: 'getAll', limit: 5 });
		expect(standIn.requestsTo('/v3/assets')).toHaveLength(1);
		expect(standIn.requestsTo('/v1/asset/list')).toHaveLength(0);
		expect(items.map((item) => item.json.id)).toEqual(
			standIn.assets.slice(0, 5).map((asset) => asset.id),
		);
	});

	it('the editor fills in v1 for version 1 and v3 for version 2, for the node and the trigger', () => {
		for (const nodeType of [new HeyGen(), new HeyGenTrigger()]) {
			const { description } = nodeType;
			expect(description.version).toEqual([1, 2]);
			expect(description.defaultVersion).toBe(2);
			const defaults = (typeVersion: number) =>
				NodeHelpers.getNodeParameters(
					description.properties,
					{ resource: 'asset', operation: 'getAll' },
					true,
					false,
					{
						typeVersion,
						parameters: {},
					} as never,
					description,
				)?.apiVersion;
			expect(defaults(1)).toBe('v1');
			expect(defaults(2)).toBe('v3');
		}
	});

	it('the trigger of version 2 polls v3, of version 1 polls v1', async () => {
		await heyGenTrigger(credentials(), {}, 2).poll('manual');
		expect(standIn.requestsTo('/v3/assets')).toHaveLength(1);
		await heyGenTrigger(credentials(), {}, 1).poll('manual');
		expect(standIn.requestsTo('/v1/asset/list')).toHaveLength(1);
	});
});

describe('Asset → Get', () => {
	it('returns one asset in the same shape as Get Many', async () => {
		const [listed] = await run({ resource: 'asset', operation: 'getAll', limit: 3 }).then((items) =>
			items.slice(2),
		);
		const [item] = await run({
			resource: 'asset',
			operation: 'get',
			assetId: byId(String(listed.json.id)),
		});
		expect(item.json).toEqual(listed.json);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(standIn.requestsTo(`/v3/assets/${String(listed.json.id)}`)[0].apiKey).toBe(
			standIn.apiKey,
		);
	});

	it('with Download File, the file comes in the binary field, fetched without the API key', async () => {
		const asset = standIn.assets.find((candidate) => candidate.url !== null);
		const [item] = await run({
			resource: 'asset',
			operation: 'get',
			assetId: byId(String(asset?.id)),
			download: true,
			binaryPropertyName: 'file',
		});
		expect(item.binary?.file).toMatchObject({ fileSize: expect.any(String) });
		expect(Buffer.from(String(item.binary?.file.data), 'base64')).toHaveLength(1000);
		expect(
			standIn.requests
				.filter((request) => request.path.startsWith('/files/'))
				.map((request) => request.apiKey),
		).toEqual([undefined]);
	});

	it('an unknown id is a NodeApiError that names it', async () => {
		const error = await runError({
			resource: 'asset',
			operation: 'get',
			assetId: byId('doesnotexist000'),
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('HeyGen has no asset with ID "doesnotexist000"');
		expect(error.httpCode).toBe('404');
	});

	it.each([
		['empty', ''],
		['with a slash', 'a/b'],
	])('an asset ID that is %s is refused before any request', async (_label, value) => {
		const error = await runError({ resource: 'asset', operation: 'get', assetId: byId(value) });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Asset/);
		expect(standIn.requests).toHaveLength(0);
	});

	it('the asset picker lists the account newest first and filters by name', async () => {
		const all = await searchAssets(credentials());
		expect(all.results.map((result) => result.value)).toEqual(
			standIn.assets.slice(0, 100).map((asset) => asset.id),
		);
		expect(all.paginationToken).toEqual(expect.any(String));
		const next = await searchAssets(credentials(), undefined, all.paginationToken as string);
		expect(next.results.map((result) => result.value)).toEqual(
			standIn.assets.slice(100, 200).map((asset) => asset.id),
		);
		const named = standIn.assets.slice(0, 100).filter((asset) => asset.name.includes('logo'));
		const filtered = await searchAssets(credentials(), 'LOGO');
		expect(named.length).toBeGreaterThan(0);
		expect(filtered.results.map((result) => result.value)).toEqual(named.map((asset) => asset.id));
	});
});

describe('Asset → Delete', () => {
	it('deletes the asset: { id, deleted: true }, and it is gone from the lists', async () => {
		const victim = standIn.assets[4];
		const before = standIn.assets.length;
		const [item] = await run({ resource: 'asset', operation: 'delete', assetId: byId(victim.id) });
		expect(item.json).toEqual({ id: victim.id, deleted: true });
		expect(standIn.requestsTo(`/v3/assets/${victim.id}`)[0].method).toBe('DELETE');
		const listed = await run({ resource: 'asset', operation: 'getAll', returnAll: true });
		expect(listed).toHaveLength(before - 1);
		expect(listed.map((listedItem) => listedItem.json.id)).not.toContain(victim.id);
	});

	it('an asset that is already gone is a 404 NodeApiError, never a silent success', async () => {
		const victim = standIn.assets[0];
		await run({ resource: 'asset', operation: 'delete', assetId: byId(victim.id) });
		const error = await runError({
			resource: 'asset',
			operation: 'delete',
			assetId: byId(victim.id),
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`HeyGen has no asset with ID "${victim.id}"`);
	});

	it('with On Error → Continue, the missing one is an error item and the others are deleted', async () => {
		const [first, second] = standIn.assets;
		const input = [first.id, 'missing00000000', second.id].map((id) => ({ json: { id } }));
		const items = await run(
			{
				resource: 'asset',
				operation: 'delete',
				assetId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			},
			{ input, continueOnFail: true },
		);
		expect(items.map((item) => item.json)).toEqual([
			{ id: first.id, deleted: true },
			{ error: 'HeyGen has no asset with ID "missing00000000"' },
			{ id: second.id, deleted: true },
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(standIn.deleted).toEqual([first.id, second.id]);
	});
});

describe('Asset → Upload', () => {
	const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(5000, 7)]);

	it("uploads each item's file in one multipart request, paired with its item", async () => {
		const mp3 = Buffer.alloc(3000, 3);
		const items = await run(
			{ resource: 'asset', operation: 'upload' },
			{ input: [fileItem(png, 'logo.png', 'image/png'), fileItem(mp3, 'voice.mp3', 'audio/mpeg')] },
		);
		expect(items.map((item) => item.json)).toEqual([
			{
				id: standIn.uploads[0].assetId,
				name: 'logo.png',
				url: expect.stringContaining('/files/image/'),
				mime_type: 'image/png',
				size_bytes: png.length,
				status: 'completed',
			},
			{
				id: standIn.uploads[1].assetId,
				name: 'voice.mp3',
				url: expect.stringContaining('/files/audio/'),
				mime_type: 'audio/mpeg',
				size_bytes: mp3.length,
				status: 'completed',
			},
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(standIn.uploads.map((upload) => [upload.via, upload.sha256])).toEqual([
			['multipart', sha256(png)],
			['multipart', sha256(mp3)],
		]);
		const keys = standIn.uploads.map((upload) => upload.idempotencyKey);
		expect(keys[0]).toMatch(/^upload:[0-9a-f]{32}$/);
		expect(keys[0]).not.toBe(keys[1]);
	});

	it('an uploaded file comes back byte for byte through Get with Download File', async () => {
		const [uploaded] = await run(
			{ resource: 'asset', operation: 'upload' },
			{ input: [fileItem(png, 'logo.png', 'image/png')] },
		);
		const [item] = await run({
			resource: 'asset',
			operation: 'get',
			assetId: byId(String(uploaded.json.id)),
			download: true,
		});
		expect(item.json).toMatchObject({ id: uploaded.json.id, name: 'logo.png', file_type: 'image' });
		expect(Buffer.from(String(item.binary?.data.data), 'base64').equals(png)).toBe(true);
	});

	it('a connection dropped after HeyGen created the asset is retried with the same key: one asset, not two', async () => {
		const before = standIn.assets.length;
		standIn.addFault({ path: '/v3/assets', method: 'POST', kind: 'dropAnswer' });
		standIn.addFault({ path: '/v3/assets', method: 'POST', kind: 'status', status: 503, at: 2 });
		const [item] = await run(
			{ resource: 'asset', operation: 'upload' },
			{ input: [fileItem(png, 'logo.png', 'image/png')] },
		);
		const posts = standIn.requestsTo('/v3/assets').filter((request) => request.method === 'POST');
		expect(posts.map((request) => request.status)).toEqual([200, 503, 200]);
		expect(new Set(posts.map((request) => request.idempotencyKey)).size).toBe(1);
		expect(standIn.uploads).toHaveLength(1);
		expect(item.json.id).toBe(standIn.uploads[0].assetId);
		expect(standIn.assets).toHaveLength(before + 1);
	}, 20_000);

	it('the file name can be set, and the content type comes from the extension when the MIME type says nothing', async () => {
		const [item] = await run(
			{ resource: 'asset', operation: 'upload', options: { fileName: 'subtitles.srt' } },
			{
				input: [
					fileItem(
						Buffer.from('1\n00:00:00,000 --> 00:00:01,000\nHi\n'),
						'x.bin',
						'application/octet-stream',
					),
				],
			},
		);
		expect(item.json).toMatchObject({ name: 'subtitles.srt', mime_type: 'application/x-subrip' });
	});

	it.each([
		[
			'a type HeyGen does not take',
			fileItem(Buffer.from('GIF89a'), 'anim.gif', 'image/gif'),
			/^HeyGen does not take "anim.gif" \(image\/gif\)$/,
			/PNG, JPEG, MP4, WebM, MP3, WAV, PDF and SRT/,
		],
		[
			'an empty file',
			fileItem(Buffer.alloc(0), 'empty.png', 'image/png'),
			/^The file "empty.png" is empty$/,
			/0 bytes/,
		],
		['no binary field of that name', { json: {} }, /binary/i, undefined],
	])('%s is refused before anything is sent', async (_label, input, message, description) => {
		const error = await runError(
			{ resource: 'asset', operation: 'upload' },
			{ input: [input as INodeExecutionData] },
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		if (description) expect(error.description).toMatch(description);
		expect(standIn.requests).toHaveLength(0);
	});

	it('the input binary field can be another one', async () => {
		const [item] = await run(
			{ resource: 'asset', operation: 'upload', binaryPropertyName: 'attachment' },
			{ input: [fileItem(png, 'a.png', 'image/png', 'attachment')] },
		);
		expect(item.json).toMatchObject({ name: 'a.png', size_bytes: png.length });
	});

	it.each([
		['database:0c6f2b7e-4d1a-4d57-9a7e-000000000001', true],
		['filesystem-v2:workflows/w1/executions/9/binary_data/0c6f2b7e', false],
	])(
		"a file n8n's binary store cannot give back (%s) is a clear error, and nothing is sent",
		async (id, databaseStore) => {
			const stored: INodeExecutionData = {
				json: {},
				binary: {
					data: { id, data: 'filesystem-v2', mimeType: 'video/mp4', fileName: 'take.mp4' },
				},
			};
			const error = await runError({ resource: 'asset', operation: 'upload' }, { input: [stored] });
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('Could not read "take.mp4" from n8n\'s binary data store');
			expect(String(error.description).includes('N8N_DEFAULT_BINARY_DATA_MODE')).toBe(
				databaseStore,
			);
			expect(standIn.requests).toHaveLength(0);
		},
	);

	describe(`above ${MULTIPART_MAX_BYTES} bytes: HeyGen's direct upload`, () => {
		const big = Buffer.alloc(MULTIPART_MAX_BYTES + 1, 0x61);
		big.write('ID3', 0);
		const bigSha = sha256(big);

		it('creates the upload, PUTs the bytes to the storage URL without the API key, completes it', async () => {
			const [item] = await run(
				{ resource: 'asset', operation: 'upload' },
				{ input: [fileItem(big, 'long-take.mp3', 'audio/mpeg')] },
			);
			const paths = standIn.requests.map(
				(request) => `${request.method} ${request.path.replace(/[0-9a-f]{32}/, '{id}')}`,
			);
			expect(paths).toEqual([
				'POST /v3/assets/direct-uploads',
				'PUT /uploads/{id}',
				'POST /v3/assets/{id}/complete',
			]);
			const put = standIn.requests[1];
			expect(put.apiKey).toBeUndefined();
			expect(put.host).toMatch(/^localhost:/);
			expect(standIn.uploads).toEqual([
				expect.objectContaining({
					via: 'direct',
					size: big.length,
					sha256: bigSha,
					contentType: 'audio/mpeg',
				}),
			]);
			expect(item.json).toEqual({
				id: standIn.uploads[0].assetId,
				name: 'long-take.mp3',
				url: expect.any(String),
				mime_type: 'audio/mpeg',
				size_bytes: big.length,
				status: 'completed',
			});
			expect(
				standIn.requests
					.filter((request) => request.method === 'POST')
					.map((request) => request.idempotencyKey),
			).toEqual([
				expect.stringMatching(/^create:[0-9a-f]{32}$/),
				standIn.uploads[0].idempotencyKey,
			]);
			expect(standIn.uploads[0].idempotencyKey).toMatch(/^complete:[0-9a-f]{32}$/);
		});

		it('a storage host that fails once is tried again with the whole file', async () => {
			standIn.addFault({ method: 'PUT', kind: 'status', status: 503 });
			const [item] = await run(
				{ resource: 'asset', operation: 'upload' },
				{ input: [fileItem(big, 'long-take.mp3', 'audio/mpeg')] },
			);
			expect(
				standIn.requests
					.filter((request) => request.method === 'PUT')
					.map((request) => request.status),
			).toEqual([503, 200]);
			expect(standIn.uploads).toEqual([expect.objectContaining({ sha256: bigSha })]);
			expect(item.json.size_bytes).toBe(big.length);
		}, 20_000);

		/** Uploads one file, with On Error → Continue, to a stand-in of its own. */
		async function uploadTo(
			options: Parameters<typeof startStandIn>[0],
			input: INodeExecutionData,
		) {
			const own = await startStandIn({ assets: 1, ...options });
			try {
				const { output } = await runHeyGenNode({
					credentials: { apiKey: own.apiKey, baseUrl: own.url },
					parameters: { resource: 'asset', operation: 'upload' },
					input: [input],
					continueOnFail: true,
					nodeVersion: 2,
				});
				return {
					item: output[0][0],
					uploads: own.uploads.slice(),
					methods: own.requests.map((request) => request.method),
				};
			} finally {
				await own.close();
			}
		}

		it('a file over what HeyGen takes is its clear error (413), and nothing is uploaded', async () => {
			const tooBig = Buffer.alloc(MULTIPART_MAX_BYTES + 101, 1);
			const { item, uploads, methods } = await uploadTo(
				{ maxDirectUploadBytes: MULTIPART_MAX_BYTES + 100 },
				fileItem(tooBig, 'huge.mp4', 'video/mp4'),
			);
			expect(item.json.error).toBe('HeyGen refused the file as too large (413)');
			expect(uploads).toEqual([]);
			expect(methods).toEqual(['POST']);
		});

		it('an expired upload URL is a clear error that says so', async () => {
			const { item, uploads } = await uploadTo(
				{ uploadUrlTtlMs: -1 },
				fileItem(big, 'long-take.mp3', 'audio/mpeg'),
			);
			expect(item.json.error).toBe('HeyGen\'s storage refused the upload of "long-take.mp3" (403)');
			expect(uploads).toEqual([]);
		});
	});
});
