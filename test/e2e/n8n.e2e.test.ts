/**
 * The product in a real n8n: the built package linked into a pinned n8n (scripts/n8n-runtime.js),
 * credentials and workflows imported with n8n's CLI, executed headless with `n8n execute`,
 * against the HeyGen stand-in over loopback.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { executeWorkflow, nodeItems, runError } from '../../scripts/lib/n8n';
import {
	heyGenWorkflow as sharedHeyGenWorkflow,
	uploadFromDiskWorkflow,
} from '../../scripts/lib/workflows';
import {
	type AuditSummary,
	expectAuditSummary,
	expectFolderNames,
	expectNamedThroughV3Once,
} from '../helpers/audit';
import { type HeyGenN8n, type N8n, type StandIn, startHeyGenN8n } from './fixture';

const LIST = '/v1/asset/list';
const GOOD = { id: 'heygenDemoCred01', name: 'HeyGen account' };
const BAD = { id: 'heygenWrongKey01', name: 'HeyGen wrong key' };
const API_KEY = `e2e-secret-${randomBytes(12).toString('hex')}`;
const WRONG_KEY = `e2e-wrong-${randomBytes(12).toString('hex')}`;
const EXAMPLES = join(__dirname, '..', '..', 'examples');
const FILE_SIZE = 200_000;

let e2e: HeyGenN8n | undefined;
let standIn: StandIn;
let n8n: N8n;

function heyGenWorkflow(
	id: string,
	parameters: Record<string, unknown>,
	credential = GOOD,
	typeVersion = 1,
) {
	return sharedHeyGenWorkflow(id, parameters, credential, typeVersion);
}

/** Files the example workflows read and write: the one folder n8n may touch (N8N_RESTRICT_FILE_ACCESS_TO). */
const FILES = mkdtempSync(join(tmpdir(), 'heygen-e2e-files-'));
const BACKUP = join(FILES, 'backup');
const TO_HEYGEN = join(FILES, 'to-heygen');
/** Above HeyGen's 32 MB multipart limit: the upload example sends this one through the direct upload. */
const LARGE_UPLOAD_BYTES = 33_000_000;
/** A slow uplink: this file over it takes longer than the 30 s the multipart upload once had in all. */
const SLOW_LINK = { folder: join(FILES, 'slow-link'), bytes: 16_000_000, bytesPerSecond: 450_000 };
const SEED = { assets: { image: 120, audio: 90, video: 90 }, folders: 4, seed: 11, videos: 20 };
/** Where the video backup example writes. */
const VIDEOS = join(FILES, 'videos');

/**
 * The clean-up example's cut-off: a time between two of the stand-in's videos, about half-way
 * down, with at least half an hour on either side, so the minutes between the test's clock and
 * the run's do not move an asset across it. Returns the days to set and that time.
 */
function cleanUpCutoff() {
	const videos = standIn.assets.filter((asset) => asset.file_type === 'video');
	const index = videos.findIndex(
		(asset, at) => at >= videos.length / 2 && asset.created_ts - videos[at + 1].created_ts >= 3600,
	);
	const cutoffTs = (videos[index].created_ts + videos[index + 1].created_ts) / 2;
	return { days: (Date.now() / 1000 - cutoffTs) / 86_400, cutoffTs };
}

let cleanUp = { days: 0, cutoffTs: 0 };

/** Sets an example's Settings node, as a user would before running it. */
interface ExampleWorkflow extends Record<string, unknown> {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		parameters: { assignments?: { assignments: Array<{ name: string; value: unknown }> } };
	}>;
}

function configure(workflow: ExampleWorkflow, values: Record<string, unknown>): ExampleWorkflow {
	const settings = workflow.nodes.find((node) => node.name === 'Settings');
	for (const assignment of settings?.parameters.assignments?.assignments ?? []) {
		if (assignment.name in values) assignment.value = values[assignment.name];
	}
	return workflow;
}

function exampleWorkflows() {
	return readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.map((file) => {
			const workflow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
			// Nodes that need outside services stay in the shipped file but are off in this run.
			for (const node of workflow.nodes)
				if (node.type === 'n8n-nodes-base.slack') node.disabled = true;
			return configure(workflow, {
				backupFolder: BACKUP,
				videoFolder: VIDEOS,
				sourceFolder: TO_HEYGEN,
				olderThanDays: cleanUp.days,
			});
		});
}

/** The clean-up example with its dry run turned off. */
function liveCleanUp() {
	const workflow = exampleWorkflows().find((candidate) => candidate.id === 'hgCleanUpOld0001');
	if (!workflow) throw new Error('examples/heygen-clean-up-old-assets.json is missing');
	return {
		...configure(workflow, { dryRun: false }),
		id: 'hgCleanUpLive001',
		name: 'clean-up, live',
	};
}

let folderId = '';

beforeAll(
	async () => {
		mkdirSync(TO_HEYGEN, { recursive: true });
		mkdirSync(BACKUP, { recursive: true });
		mkdirSync(VIDEOS, { recursive: true });
		const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(40_000)]);
		writeFileSync(join(TO_HEYGEN, 'logo.png'), png);
		writeFileSync(join(TO_HEYGEN, 'long-take.mp4'), Buffer.alloc(LARGE_UPLOAD_BYTES, 7));
		writeFileSync(join(TO_HEYGEN, 'notes.txt'), 'not for HeyGen');
		mkdirSync(SLOW_LINK.folder, { recursive: true });
		writeFileSync(join(SLOW_LINK.folder, 'slow-take.mp4'), randomBytes(SLOW_LINK.bytes));
		e2e = await startHeyGenN8n({
			account: { apiKey: API_KEY, ...SEED, fileSizeBytes: FILE_SIZE },
			credentials: [GOOD, { ...BAD, apiKey: WRONG_KEY }],
			n8n: { env: { N8N_RESTRICT_FILE_ACCESS_TO: FILES } },
			workflows: (started) => {
				standIn = started;
				folderId = standIn.folders[2].id;
				cleanUp = cleanUpCutoff();
				return workflows();
			},
		});
		n8n = e2e.n8n;
	},
	45 * 60 * 1000,
);

/** Every workflow the suite runs; they name the stand-in's folders and assets. */
function workflows() {
	return [
		heyGenWorkflow('e2eReturnAll0001', { returnAll: true }),
		heyGenWorkflow('e2eFiltered00001', {
			returnAll: false,
			limit: 5,
			filters: { fileType: 'video', folderId: { __rl: true, mode: 'id', value: folderId } },
		}),
		heyGenWorkflow('e2eLimit15000001', { returnAll: false, limit: 150 }),
		heyGenWorkflow('e2eWrongKey00001', { returnAll: true }, BAD),
		heyGenWorkflow('e2eV3ReturnAll01', { apiVersion: 'v3', returnAll: true }),
		heyGenWorkflow('e2eV3Filtered001', {
			apiVersion: 'v3',
			limit: 25,
			filters: { fileType: 'audio' },
		}),
		heyGenWorkflow('e2eDownload00001', {
			limit: 8,
			download: true,
			options: { requestsAtOnce: 3 },
		}),
		heyGenWorkflow('e2eV2Default0001', { limit: 5 }, GOOD, 2),
		heyGenWorkflow('e2eV1Saved000001', {}),
		heyGenWorkflow('e2eV1SavedType01', { filters: { fileType: 'video' }, limit: 30 }),
		heyGenWorkflow('e2eV2Defaults001', {}, GOOD, 2),
		heyGenWorkflow('e2eV2Type0000001', { filters: { fileType: 'video' }, limit: 30 }, GOOD, 2),
		heyGenWorkflow(
			'e2eFolderGet0001',
			{
				resource: 'folder',
				operation: 'get',
				folderId: { __rl: true, mode: 'id', value: folderId },
			},
			GOOD,
			2,
		),
		heyGenWorkflow(
			'e2eGetAsset00001',
			{
				operation: 'get',
				assetId: { __rl: true, mode: 'id', value: standIn.assets[3].id },
				download: true,
			},
			GOOD,
			2,
		),
		heyGenWorkflow(
			'e2eDelete0000001',
			{ operation: 'delete', assetId: { __rl: true, mode: 'id', value: standIn.assets[4].id } },
			GOOD,
			2,
		),
		heyGenWorkflow(
			'e2eFolders000001',
			{ resource: 'folder', operation: 'getAll', returnAll: true },
			GOOD,
			2,
		),
		uploadFromDiskWorkflow('e2eSlowUpload001', `${SLOW_LINK.folder}/*.mp4`, GOOD),
		...exampleWorkflows(),
		liveCleanUp(),
	];
}

afterAll(async () => {
	await e2e?.close();
	rmSync(FILES, { recursive: true, force: true });
});

beforeEach(() => standIn.reset());

const ids = (items: Array<Record<string, unknown>>) => items.map((item) => item.id);

it('Return All over several pages: every asset exactly once, one item each, in HeyGen order', async () => {
	const result = await executeWorkflow(n8n, 'e2eReturnAll0001');
	expect(result.code).toBe(0);
	expect(result.run.status).toBe('success');
	const items = nodeItems(result.run, 'HeyGen');
	expect(ids(items)).toEqual(standIn.assets.map((asset) => asset.id));
	expect(items[0]).toEqual(standIn.assets[0]);
	expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual([
		'100',
		'100',
		'100',
	]);
	expect(standIn.requestsTo(LIST).every((request) => request.apiKey === API_KEY)).toBe(true);
});

it('Limit and both filters (file type, folder by ID) give exactly the right subset', async () => {
	const result = await executeWorkflow(n8n, 'e2eFiltered00001');
	expect(result.run.status).toBe('success');
	const expected = standIn.assets
		.filter((asset) => asset.file_type === 'video' && asset.folder_id === folderId)
		.slice(0, 5);
	expect(expected).toHaveLength(5);
	expect(ids(nodeItems(result.run, 'HeyGen'))).toEqual(expected.map((asset) => asset.id));
	expect(standIn.requestsTo(LIST)[0].query).toMatchObject({
		file_type: 'video',
		folder_id: folderId,
		limit: '5',
	});
});

it('Limit 150 takes a page of 100 and one of 50', async () => {
	const result = await executeWorkflow(n8n, 'e2eLimit15000001');
	expect(ids(nodeItems(result.run, 'HeyGen'))).toEqual(
		standIn.assets.slice(0, 150).map((asset) => asset.id),
	);
	expect(standIn.requestsTo(LIST).map((request) => request.query.limit)).toEqual(['100', '50']);
});

it('a wrong API key fails the execution, saying the key was rejected', async () => {
	const result = await executeWorkflow(n8n, 'e2eWrongKey00001');
	expect(result.code).toBe(1);
	expect(result.run.status).toBe('error');
	const error = runError(result.run);
	expect(error.message).toBe('The HeyGen API key was rejected');
	expect(error.httpCode).toBe('401');
	expect(JSON.stringify(result.run)).not.toContain(WRONG_KEY);
	expect(standIn.requestsTo(LIST)).toHaveLength(1);
});

it('429 with Retry-After and a 5xx in the middle of the pages: success, every asset once', async () => {
	standIn.addFault({ path: LIST, kind: 'status', status: 429, retryAfter: '1', at: 2 });
	standIn.addFault({ path: LIST, kind: 'status', status: 503, at: 4 });
	const result = await executeWorkflow(n8n, 'e2eReturnAll0001');
	expect(result.run.status).toBe('success');
	expect(ids(nodeItems(result.run, 'HeyGen'))).toEqual(standIn.assets.map((asset) => asset.id));
	expect(standIn.requestsTo(LIST).map((request) => request.status)).toEqual([
		200, 429, 200, 503, 200,
	]);
});

it('example: the scheduled asset audit summarizes every asset by type and folder', async () => {
	const result = await executeWorkflow(n8n, 'hgAssetAudit0001');
	expect(result.code).toBe(0);
	expect(result.run.status).toBe('success');
	const [summary] = nodeItems(result.run, 'Summarize by type and folder');
	expect(summary.total).toBe(300);
	expectAuditSummary(summary as AuditSummary, standIn);
	expect(summary.text).toMatch(
		/^HeyGen asset audit: 300 assets \(image: 120, audio: 90, video: 90\)/,
	);
	expectFolderNames(summary as AuditSummary, standIn);
	// Named through HeyGen's folder list, walked once for the run: no /v3/folders lookup.
	expect(standIn.requests.filter((request) => request.path.startsWith('/v3/folders/'))).toEqual([]);
});

it('example: the audit still names every folder after HeyGen switches v1 off (every /v1/* 410)', async () => {
	standIn.retireV1();
	const result = await executeWorkflow(n8n, 'hgAssetAudit0001');
	expect({ status: result.run.status, error: runError(result.run)?.message }).toEqual({
		status: 'success',
	});
	const [summary] = nodeItems(result.run, 'Summarize by type and folder');
	expectAuditSummary(summary as AuditSummary, standIn);
	expectFolderNames(summary as AuditSummary, standIn);
	// The folder list answered 410 once for the run; each folder was then named through v3, once.
	expect(standIn.requests.filter((request) => request.path.startsWith('/v1/'))).toEqual([
		expect.objectContaining({ path: '/v1/folders', status: 410 }),
	]);
	expectNamedThroughV3Once(summary as AuditSummary, standIn);
});

it('example: the audit ends green on today’s HeyGen with no folder source (v1 retired, no /v3/folders): folders by ID', async () => {
	standIn.retireV1();
	standIn.serveV3Folders(false);
	const result = await executeWorkflow(n8n, 'hgAssetAudit0001');
	expect({ status: result.run.status, error: runError(result.run)?.message }).toEqual({
		status: 'success',
	});
	const [summary] = nodeItems(result.run, 'Summarize by type and folder');
	expectAuditSummary(summary as AuditSummary, standIn);
	const inFolders = (summary as AuditSummary).rows.filter((row) => row.folder_id !== '(root)');
	expect(inFolders.length).toBeGreaterThan(0);
	for (const row of inFolders) expect(row.folder).toBe(row.folder_id);
	const [failed] = nodeItems(result.run, 'Name the folders');
	expect(String(failed.error)).toMatch(/^HeyGen offers no folder lookup for this account/);
});

it('today’s HeyGen: a saved version-1 Get Many lists through v3 with version 2’s output and an execution hint', async () => {
	standIn.retireV1();
	for (const [v1, v2] of [
		['e2eV1Saved000001', 'e2eV2Defaults001'],
		['e2eV1SavedType01', 'e2eV2Type0000001'],
	]) {
		const onV1 = await executeWorkflow(n8n, v1);
		const onV2 = await executeWorkflow(n8n, v2);
		expect({ status: onV1.run.status, error: runError(onV1.run)?.message }).toEqual({
			status: 'success',
		});
		expect(nodeItems(onV1.run, 'HeyGen')).toEqual(nodeItems(onV2.run, 'HeyGen'));
		expect(nodeItems(onV1.run, 'HeyGen').length).toBeGreaterThan(0);
		const hints = onV1.run.data.resultData.runData.HeyGen[0].hints as Array<{ message: string }>;
		expect(hints.map((hint) => hint.message)).toEqual([
			expect.stringMatching(
				/^HeyGen has retired its v1 API \(GET \/v1\/asset\/list answered 410\)/,
			),
		]);
	}
	const typed = nodeItems((await executeWorkflow(n8n, 'e2eV1SavedType01')).run, 'HeyGen');
	expect(typed.map((asset) => asset.id)).toEqual(
		standIn.assets
			.filter((asset) => asset.file_type === 'video')
			.slice(0, 30)
			.map((asset) => asset.id),
	);
});

it('today’s HeyGen: Folder → Get names the folder through the v1 list where /v3/folders is absent', async () => {
	standIn.serveV3Folders(false);
	const result = await executeWorkflow(n8n, 'e2eFolderGet0001');
	expect(result.run.status).toBe('success');
	const [folder] = nodeItems(result.run, 'HeyGen');
	expect(folder).toMatchObject({
		id: folderId,
		name: standIn.folders.find((f) => f.id === folderId)?.name,
	});
});

it('example: the audit of an account with every asset at the root still summarizes (no folder to name)', async () => {
	standIn.reseed({ ...SEED, folders: 0 });
	try {
		const result = await executeWorkflow(n8n, 'hgAssetAudit0001');
		expect(result.run.status).toBe('success');
		const [summary] = nodeItems(result.run, 'Summarize by type and folder');
		expectAuditSummary(summary as AuditSummary, standIn);
		expect(summary.rows.every((row: { folder: string }) => row.folder === '(root)')).toBe(true);
		expect(standIn.requests.filter((request) => request.path.startsWith('/v3/folders/'))).toEqual(
			[],
		);
	} finally {
		standIn.reseed(SEED);
	}
});

it('v3: Return All gives the same assets in the same output shape, plus owner and space_id', async () => {
	const result = await executeWorkflow(n8n, 'e2eV3ReturnAll01');
	expect(result.run.status).toBe('success');
	const items = nodeItems(result.run, 'HeyGen');
	expect(
		items.map(({ owner, space_id, ...rest }) => ({ ...rest, extra: [owner, space_id] })),
	).toEqual(standIn.assets.map((asset) => ({ ...asset, extra: [standIn.username, 'space-0001'] })));
	expect(standIn.requestsTo('/v3/users/me')).toHaveLength(1);
	// Three pages, one request each: nothing is read again.
	expect(standIn.requestsTo('/v3/assets')).toHaveLength(3);
});

it('v3: the file type is filtered in the node and Limit counts after it', async () => {
	const result = await executeWorkflow(n8n, 'e2eV3Filtered001');
	const expected = standIn.assets.filter((asset) => asset.file_type === 'audio').slice(0, 25);
	expect(ids(nodeItems(result.run, 'HeyGen'))).toEqual(expected.map((asset) => asset.id));
});

it("Download Files streams each file into n8n's binary data store, without the API key", async () => {
	const result = await executeWorkflow(n8n, 'e2eDownload00001');
	expect(result.run.status).toBe('success');
	const items = result.run.data.resultData.runData.HeyGen[0].data.main[0];
	const expected = standIn.assets.slice(0, 8);
	expect(items.map((item: { json: { id: string } }) => item.json.id)).toEqual(
		expected.map((asset) => asset.id),
	);
	for (const [index, item] of items.entries()) {
		if (expected[index].url === null) continue;
		expect(item.binary.data).toMatchObject({ bytes: FILE_SIZE, data: 'filesystem-v2' });
		const file = findFile(n8n.userFolder, String(item.binary.data.id).split('/').pop() ?? '');
		const bytes = readFileSync(file as string);
		expect(bytes).toHaveLength(FILE_SIZE);
		expect(bytes.subarray(0, 32).toString()).toBe(expected[index].id);
	}
	const files = standIn.requests.filter((request) => request.path.startsWith('/files/'));
	expect(files.length).toBeGreaterThan(0);
	expect(files.every((request) => request.apiKey === undefined)).toBe(true);
});

describe('every workflow in examples/ runs against the stand-in', () => {
	// An MCP server workflow runs when an MCP client calls it, not through `n8n execute`:
	// test/e2e/mcp.e2e.test.ts publishes it and calls its tools with the MCP SDK's client. A workflow
	// that starts at the HeyGen Trigger has no manual start for `n8n execute` either:
	// test/e2e/examples-from-start.e2e.test.ts runs it from its trigger the editor's way. One that
	// starts at the HeyGen Webhook Trigger runs on a signed delivery: test/e2e/webhook-trigger.e2e.test.ts.
	const examples = readdirSync(EXAMPLES).filter(
		(file) =>
			file.endsWith('.json') &&
			!isMcpServer(join(EXAMPLES, file)) &&
			!startsAtHeyGenTrigger(join(EXAMPLES, file)),
	);
	it.each(examples)('%s', async (file) => {
		const { id } = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
		const result = await executeWorkflow(n8n, id);
		expect({ status: result.run.status, error: runError(result.run)?.message }).toEqual({
			status: 'success',
		});
		expect(result.code).toBe(0);
		expect(standIn.requests.filter((request) => request.apiKey === API_KEY).length).toBeGreaterThan(
			0,
		);
		standIn.reseed(SEED);
	});
});

function startsAtHeyGenTrigger(file: string): boolean {
	const triggers = ['n8n-nodes-heygen.heyGenTrigger', 'n8n-nodes-heygen.heyGenWebhookTrigger'];
	const workflow = JSON.parse(readFileSync(file, 'utf8'));
	return workflow.nodes.some((node: { type: string }) => triggers.includes(node.type));
}

function isMcpServer(file: string): boolean {
	const workflow = JSON.parse(readFileSync(file, 'utf8'));
	return workflow.nodes.some(
		(node: { type: string }) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger',
	);
}

function findFile(dir: string, name: string): string | undefined {
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (lstatSync(path).isDirectory()) {
			const found = findFile(path, name);
			if (found) return found;
		} else if (entry === name) {
			return path;
		}
	}
	return undefined;
}

it('example: the inventory export writes one CSV row per asset', async () => {
	const result = await executeWorkflow(n8n, 'hgInventoryCsv01');
	expect(result.run.status).toBe('success');
	const [item] = result.run.data.resultData.runData['Inventory CSV'][0].data.main[0];
	expect(item.binary.data).toMatchObject({ mimeType: 'text/csv', fileName: 'heygen-assets.csv' });
	const file = findFile(n8n.userFolder, String(item.binary.data.id).split('/').pop() ?? '');
	expect(file).toBeDefined();
	const lines = readFileSync(file as string, 'utf8')
		.trim()
		.split('\n');
	expect(lines[0]).toBe('id,name,type,folder,created,url');
	expect(lines).toHaveLength(301);
	expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(
		standIn.assets.map((asset) => asset.id),
	);
});

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		return lstatSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

it("the API key appears nowhere: output, errors, n8n's debug log, its saved data (database, binary data, settings)", async () => {
	const debug = { ...n8n, env: { ...n8n.env, N8N_LOG_LEVEL: 'debug' } };
	const result = await executeWorkflow(debug, 'e2eReturnAll0001');
	expect(result.run.status).toBe('success');
	// The test can see that this is the debug log.
	expect(result.stdout).toContain('"level":"debug"');
	expect(result.stdout + result.stderr).not.toContain(API_KEY);
	const failed = await executeWorkflow(debug, 'e2eWrongKey00001');
	expect(failed.run.status).toBe('error');
	expect(failed.stdout + failed.stderr).not.toContain(WRONG_KEY);
	standIn.addFault({ path: LIST, kind: 'errorBody', message: 'boom', at: 2 });
	const contractError = await executeWorkflow(debug, 'e2eReturnAll0001');
	expect(contractError.run.status).toBe('error');
	expect(contractError.stdout + contractError.stderr).not.toContain(API_KEY);
	const files = filesUnder(join(n8n.userFolder, '.n8n'));
	expect(files.some((file) => file.endsWith('database.sqlite'))).toBe(true);
	const withKey = files.filter((file) => {
		const bytes = readFileSync(file);
		return bytes.includes(API_KEY) || bytes.includes(WRONG_KEY);
	});
	expect(withKey).toEqual([]);
	// The test can see a key where there is one: the stand-in's log holds it.
	expect(standIn.requestsTo(LIST)[0].apiKey).toBe(API_KEY);
});

describe('node version 2 and the asset lifecycle', () => {
	afterEach(() => standIn.reseed(SEED));

	it('a new node (version 2) lists with v3; a saved version-1 node without apiVersion still with v1', async () => {
		const v2 = await executeWorkflow(n8n, 'e2eV2Default0001');
		expect(v2.run.status).toBe('success');
		expect(ids(nodeItems(v2.run, 'HeyGen'))).toEqual(
			standIn.assets.slice(0, 5).map((asset) => asset.id),
		);
		expect(standIn.requestsTo('/v3/assets')).toHaveLength(1);
		expect(standIn.requestsTo(LIST)).toHaveLength(0);
		const v1 = await executeWorkflow(n8n, 'e2eLimit15000001');
		expect(v1.run.status).toBe('success');
		expect(standIn.requestsTo(LIST)).toHaveLength(2);
	});

	it('Asset → Get with its file, then Delete: gone from the list, and a second delete is a 404 error', async () => {
		const got = await executeWorkflow(n8n, 'e2eGetAsset00001');
		expect(got.run.status).toBe('success');
		const [item] = got.run.data.resultData.runData.HeyGen[0].data.main[0];
		expect(item.json).toEqual({
			...standIn.assets[3],
			owner: standIn.username,
			space_id: 'space-0001',
		});
		expect(item.binary.data).toMatchObject({ bytes: FILE_SIZE });
		const victim = standIn.assets[4];
		const deleted = await executeWorkflow(n8n, 'e2eDelete0000001');
		expect(nodeItems(deleted.run, 'HeyGen')).toEqual([{ id: victim.id, deleted: true }]);
		expect(standIn.assets.map((asset) => asset.id)).not.toContain(victim.id);
		const again = await executeWorkflow(n8n, 'e2eDelete0000001');
		expect(again.run.status).toBe('error');
		expect(runError(again.run).message).toBe(`HeyGen has no asset with ID "${victim.id}"`);
	});

	it('Folder → Get Many: one item per folder', async () => {
		const result = await executeWorkflow(n8n, 'e2eFolders000001');
		expect(result.run.status).toBe('success');
		expect(nodeItems(result.run, 'HeyGen')).toEqual(standIn.folders);
	});

	it('example: the backup writes every asset that has a file to disk, named after the asset', async () => {
		rmSync(BACKUP, { recursive: true, force: true });
		mkdirSync(BACKUP);
		const result = await executeWorkflow(n8n, 'hgBackupToDisk01');
		expect({ status: result.run.status, error: runError(result.run)?.message }).toEqual({
			status: 'success',
		});
		const withUrl = standIn.assets.filter((asset) => asset.url !== null);
		expect(standIn.assets.length - withUrl.length).toBeGreaterThan(0);
		for (const asset of withUrl) {
			const file = join(BACKUP, `${asset.id}-${readFileName(asset)}`);
			expect(existsSync(file)).toBe(true);
			expect(readFileSync(file).subarray(0, 32).toString()).toBe(asset.id);
		}
		expect(readdirSync(BACKUP)).toHaveLength(withUrl.length);
	});

	it('example: the clean-up lists in its dry run, and deletes exactly those when it is off', async () => {
		const old = standIn.assets.filter(
			(asset) => asset.file_type === 'video' && asset.created_ts < cleanUp.cutoffTs,
		);
		expect(old.length).toBeGreaterThan(10);
		const dry = await executeWorkflow(n8n, 'hgCleanUpOld0001');
		expect(dry.run.status).toBe('success');
		expect(ids(nodeItems(dry.run, 'Would be deleted'))).toEqual(old.map((asset) => asset.id));
		expect(standIn.deleted).toEqual([]);
		const live = await executeWorkflow(n8n, 'hgCleanUpLive001');
		expect(live.run.status).toBe('success');
		expect(nodeItems(live.run, 'Delete the asset')).toEqual(
			old.map((asset) => ({ id: asset.id, deleted: true })),
		);
		expect(standIn.deleted).toEqual(old.map((asset) => asset.id));
	});

	it("example: uploading a folder streams each file from n8n's binary store into HeyGen, the large one by direct upload", async () => {
		const result = await executeWorkflow(n8n, 'hgUploadFolder01');
		expect(result.run.status).toBe('success');
		const sha = (name: string) =>
			createHash('sha256')
				.update(readFileSync(join(TO_HEYGEN, name)))
				.digest('hex');
		const byName = Object.fromEntries(standIn.uploads.map((upload) => [upload.fileName, upload]));
		expect(Object.keys(byName).sort()).toEqual(['logo.png', 'long-take.mp4']);
		expect(byName['logo.png']).toMatchObject({
			via: 'multipart',
			contentType: 'image/png',
			sha256: sha('logo.png'),
		});
		expect(byName['long-take.mp4']).toMatchObject({
			via: 'direct',
			contentType: 'video/mp4',
			size: LARGE_UPLOAD_BYTES,
			sha256: sha('long-take.mp4'),
		});
		const items = nodeItems(result.run, 'Upload to HeyGen');
		expect(items.map((item) => item.id).sort()).toEqual(
			standIn.uploads.map((upload) => upload.assetId).sort(),
		);
		expect(
			standIn.requests
				.filter((request) => request.path.startsWith('/uploads/'))
				.every((request) => request.apiKey === undefined),
		).toBe(true);
	});
});

it('a slow uplink: a 16 MB multipart upload that takes longer than 30 s arrives whole, in one attempt', async () => {
	standIn.set({ linkBytesPerSecond: SLOW_LINK.bytesPerSecond });
	const startedAt = Date.now();
	const result = await executeWorkflow(n8n, 'e2eSlowUpload001');
	const tookMs = Date.now() - startedAt;
	expect(result.run.status).toBe('success');
	expect(standIn.uploads).toHaveLength(1);
	expect(standIn.uploads[0]).toMatchObject({
		via: 'multipart',
		size: SLOW_LINK.bytes,
		sha256: createHash('sha256')
			.update(readFileSync(join(SLOW_LINK.folder, 'slow-take.mp4')))
			.digest('hex'),
	});
	expect(nodeItems(result.run, 'HeyGen').map((item) => item.id)).toEqual([
		standIn.uploads[0].assetId,
	]);
	expect(standIn.requestsTo('/v3/assets').filter((r) => r.method === 'POST')).toHaveLength(1);
	expect(tookMs).toBeGreaterThan(30_000);
	process.stderr.write(`e2e: a 16 MB upload over a 450 kB/s link took ${tookMs / 1000} s\n`);
}, 180_000);

describe('a busy account: uploads landing while Get Many pages', () => {
	it.each([
		['v1', 'e2eReturnAll0001', LIST],
		['v3', 'e2eV3ReturnAll01', '/v3/assets'],
	])(
		'%s Return All finishes with every asset there throughout exactly once, one request a page',
		async (_version, workflowId, path) => {
			const before = standIn.assets.map((asset) => asset.id);
			standIn.set({ busy: { addEvery: 1 } });
			try {
				const result = await executeWorkflow(n8n, workflowId);
				expect(result.run.status).toBe('success');
				const listed = ids(nodeItems(result.run, 'HeyGen'));
				const added = new Set(standIn.busyChanges.added);
				expect(added.size).toBeGreaterThanOrEqual(2);
				expect(new Set(listed).size).toBe(listed.length);
				expect(listed.filter((id) => !added.has(String(id)))).toEqual(before);
				expect(standIn.requestsTo(path).length).toBeLessThanOrEqual(
					Math.ceil(before.length / 100) + 1,
				);
			} finally {
				standIn.set({ busy: undefined });
				for (const id of standIn.busyChanges.added) standIn.removeAsset(id);
			}
		},
	);
});

/** The file name the node gives an asset's download (its name, with the extension of its URL when it has none). */
function readFileName(asset: { name: string; url: string | null }) {
	if (/\.[A-Za-z0-9]{2,5}$/.test(asset.name)) return asset.name;
	return `${asset.name}.${String(asset.url).split('.').pop()}`;
}
