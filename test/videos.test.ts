/**
 * The Video resource against the stand-in over real HTTP, in n8n-core's contexts: Get Many (each
 * video once in HeyGen's order, one request per page of 100, filters, renders landing while it
 * pages), Get (by ID and by page URL), Delete (a lost answer is a success), and downloads (every
 * file kind, presigned URLs that expire while a slow batch downloads, the API key never at the file
 * host, videos without the file).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { runHeyGenNode, searchVideos } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 5, folders: 3, videos: 130, seed: 22 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

async function run(
	parameters: INodeParameters,
	extra: { continueOnFail?: boolean; input?: INodeExecutionData[] } = {},
) {
	const { output } = await runHeyGenNode({
		credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
		parameters: { resource: 'video', ...parameters },
		nodeVersion: 2,
		...extra,
	});
	return output[0];
}

async function failure(parameters: INodeParameters) {
	try {
		await run(parameters);
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('the node succeeded but an error was expected');
}

const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.id);
const LIST = '/v3/videos';

describe('Get Many', () => {
	it('Return All: every video once, in HeyGen’s order, as HeyGen shows it, in 2 requests of 100', async () => {
		const items = await run({ operation: 'getAll', returnAll: true });
		expect(ids(items)).toEqual(standIn.videos.map((video) => video.id));
		// As HeyGen shows them, the presigned URLs aside (each answer signs them afresh).
		const unsigned = (video: Record<string, unknown>) =>
			Object.fromEntries(
				Object.entries(video).map(([key, value]) => [
					key,
					key.endsWith('_url') && key !== 'video_page_url' && value ? 'signed' : value,
				]),
			);
		expect(items.map((item) => unsigned(item.json))).toEqual(standIn.videos.map(unsigned));
		expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual(['100', '100']);
		expect(
			items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0),
		).toBe(true);
	});

	it('a Limit asks for no more than it needs', async () => {
		const items = await run({ operation: 'getAll', limit: 7 });
		expect(ids(items)).toEqual(standIn.videos.slice(0, 7).map((video) => video.id));
		expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual(['7']);
	});

	it('filters: folder and title through HeyGen, status by the node (still stopping at the Limit)', async () => {
		const folderId = standIn.videos.find((video) => video.folder_id)?.folder_id as string;
		const inFolder = await run({
			operation: 'getAll',
			returnAll: true,
			filters: { folderId: byId(folderId) },
		});
		expect(ids(inFolder)).toEqual(
			standIn.videos.filter((video) => video.folder_id === folderId).map((video) => video.id),
		);
		const title = String(standIn.videos[3].title).slice(0, 5).toUpperCase();
		const titled = await run({ operation: 'getAll', returnAll: true, filters: { title } });
		expect(ids(titled)).toEqual(
			standIn.videos
				.filter((video) =>
					String(video.title ?? '')
						.toUpperCase()
						.includes(title),
				)
				.map((video) => video.id),
		);
		const failed = standIn.videos.filter((video) => video.status === 'failed');
		expect(failed.length).toBeGreaterThan(2);
		const someFailed = await run({ operation: 'getAll', limit: 2, filters: { status: 'failed' } });
		expect(ids(someFailed)).toEqual(failed.slice(0, 2).map((video) => video.id));
	});

	it('renders landing at the front while it pages (an offset token): each video once, none missing', async () => {
		const before = standIn.videos.map((video) => video.id);
		standIn.set({ busyVideos: { addEvery: 1 } });
		const items = await run({ operation: 'getAll', returnAll: true });
		const got = ids(items);
		expect(new Set(got).size).toBe(got.length);
		for (const id of before) expect(got).toContain(id);
		expect(standIn.videoChanges.added.length).toBeGreaterThan(0);
	});
});

describe('Get and Delete', () => {
	it('Get by ID, by page URL and from the picker gives HeyGen’s video', async () => {
		const [video] = standIn.videos;
		const [byIdItem] = await run({ operation: 'get', videoId: byId(video.id) });
		expect(byIdItem.json).toMatchObject({ id: video.id, status: video.status, title: video.title });
		const [byUrl] = await run({
			operation: 'get',
			videoId: { __rl: true, mode: 'url', value: `https://app.heygen.com/videos/${video.id}` },
		});
		expect(byUrl.json.id).toBe(video.id);
		const picker = await searchVideos({ apiKey: standIn.apiKey, baseUrl: standIn.url });
		expect(picker.results[0]).toMatchObject({ value: video.id });
		expect(picker.results).toHaveLength(100);
		expect(picker.paginationToken).toEqual(expect.any(String));
	});

	it('Get of an unknown ID says HeyGen has no such video', async () => {
		const error = await failure({ operation: 'get', videoId: byId('0000aaaa0000bbbb') });
		expect(error.message).toBe('HeyGen has no video with ID "0000aaaa0000bbbb"');
	});

	it('Delete is permanent; a second delete is a clear error', async () => {
		const [video] = standIn.videos;
		expect(
			(await run({ operation: 'delete', videoId: byId(video.id) })).map((i) => i.json),
		).toEqual([{ id: video.id, deleted: true }]);
		expect(standIn.videos.map((v) => v.id)).not.toContain(video.id);
		const error = await failure({ operation: 'delete', videoId: byId(video.id) });
		expect(error.message).toBe(`HeyGen has no video with ID "${video.id}"`);
	});

	it('a DELETE whose answer was lost after HeyGen acted is a success', async () => {
		const [, video] = standIn.videos;
		standIn.addFault({ path: `${LIST}/${video.id}`, method: 'DELETE', kind: 'dropAnswer' });
		const [item] = await run({ operation: 'delete', videoId: byId(video.id) });
		expect(item.json).toEqual({ id: video.id, deleted: true });
		expect(standIn.requestsTo(`${LIST}/${video.id}`).length).toBe(2);
	});
});

describe('Download', () => {
	const completed = () => standIn.videos.filter((video) => video.status === 'completed');

	it.each([
		['video', 'video'],
		['captionedVideo', 'captioned'],
		['subtitles', 'subtitles'],
		['thumbnail', 'thumbnail'],
		['gif', 'gif'],
	])(
		'Get with File %s: the file whole, in the binary field, without the API key',
		async (file, kind) => {
			const video =
				completed().find((candidate) => candidate.captioned_video_url) ?? completed()[0];
			const [item] = await run({
				operation: 'get',
				videoId: byId(video.id),
				download: true,
				file,
				binaryPropertyName: 'clip',
			});
			const binary = item.binary?.clip;
			expect(binary).toBeDefined();
			const expected = standIn.videoFileContent(video.id, kind as never) as Buffer;
			expect(expected.length).toBeGreaterThan(0);
			expect(Buffer.from(binary?.data ?? '', 'base64').equals(expected)).toBe(true);
			expect(standIn.videoFileRefusals).toEqual([]);
			const toFiles = standIn.requests.filter((request) =>
				request.path.startsWith('/video-files/'),
			);
			expect(toFiles.length).toBeGreaterThan(0);
			expect(toFiles.every((request) => request.apiKey === undefined)).toBe(true);
		},
	);

	it('30 downloads at 2 at once arrive whole though each URL lives 2 s: an expired one is asked for afresh', async () => {
		standIn.set({ videoUrlTtlMs: 2000, latencyMs: 150 });
		const items = await run({
			operation: 'getAll',
			limit: 30,
			filters: { status: 'completed' },
			download: true,
			options: { requestsAtOnce: 2 },
		});
		expect(items).toHaveLength(30);
		for (const item of items) {
			const expected = standIn.videoFileContent(String(item.json.id), 'video') as Buffer;
			expect(Buffer.from(item.binary?.data?.data ?? '', 'base64').equals(expected)).toBe(true);
		}
		const refreshed = standIn.requests.filter(
			(request) =>
				request.method === 'GET' &&
				/^\/v3\/videos\/[^/]+$/.test(request.path) &&
				!request.path.endsWith('statuses'),
		);
		expect(refreshed.length).toBeGreaterThan(0);
		expect(standIn.fileStats.maxInFlight).toBe(2);
		// The file host saw URLs expire, and never the API key.
		const reasons = standIn.videoFileRefusals.map((refusal) => refusal.reason);
		expect(reasons).toContain('expired');
		expect(reasons).not.toContain('apiKey');
	});

	it('Get Many: a video without that file comes out without it and says why; Get on it is an error', async () => {
		const items = await run({
			operation: 'getAll',
			returnAll: true,
			download: true,
			file: 'captionedVideo',
		});
		const skipped = items.filter((item) => item.json.download_skipped);
		expect(skipped.length).toBeGreaterThan(0);
		for (const item of skipped) expect(item.binary).toBeUndefined();
		const running = skipped.find((item) => item.json.status !== 'completed');
		expect(String(running?.json.download_skipped)).toMatch(
			/HeyGen has its files only once it is completed/,
		);
		const noCaptions = skipped.find((item) => item.json.status === 'completed');
		expect(String(noCaptions?.json.download_skipped)).toMatch(/no captionedVideo/);
		const error = await failure({
			operation: 'get',
			videoId: byId(String(running?.json.id)),
			download: true,
		});
		expect(error.message).toBe(`Video ${String(running?.json.id)} has no such file to download`);
	});
});
