/**
 * The product in a real n8n: the built package linked into a pinned n8n (scripts/n8n-runtime.js),
 * credentials and workflows imported with n8n's CLI, executed headless with `n8n execute`,
 * against the HeyGen stand-in over loopback.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ensureRuntime } from '../../scripts/n8n-runtime';
import {
	createN8n,
	executeWorkflow,
	importCredentials,
	importWorkflows,
	nodeItems,
	runError,
} from '../../scripts/lib/n8n';
import { heyGenWorkflow as sharedHeyGenWorkflow } from '../../scripts/lib/workflows';
import { startStandIn } from '../stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
type N8n = Awaited<ReturnType<typeof createN8n>>;

const LIST = '/v1/asset/list';
const GOOD = { id: 'heygenDemoCred01', name: 'HeyGen account' };
const BAD = { id: 'heygenWrongKey01', name: 'HeyGen wrong key' };
const API_KEY = `e2e-secret-${randomBytes(12).toString('hex')}`;
const WRONG_KEY = `e2e-wrong-${randomBytes(12).toString('hex')}`;
const EXAMPLES = join(__dirname, '..', '..', 'examples');
const FILE_SIZE = 200_000;

let standIn: StandIn;
let n8n: N8n;

function heyGenWorkflow(id: string, parameters: Record<string, unknown>, credential = GOOD) {
	return sharedHeyGenWorkflow(id, parameters, credential);
}

function exampleWorkflows() {
	return readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.map((file) => {
			const workflow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
			// Nodes that need outside services stay in the shipped file but are off in this run.
			for (const node of workflow.nodes)
				if (node.type === 'n8n-nodes-base.slack') node.disabled = true;
			return workflow;
		});
}

let folderId = '';

beforeAll(
	async () => {
		const runtime = await ensureRuntime();
		standIn = await startStandIn({
			apiKey: API_KEY,
			assets: { image: 120, audio: 90, video: 90 },
			folders: 4,
			seed: 11,
			fileSizeBytes: FILE_SIZE,
		});
		folderId = standIn.folders[2].id;
		n8n = await createN8n({ runtime });
		await importCredentials(n8n, [
			{ ...GOOD, type: 'heyGenApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
			{ ...BAD, type: 'heyGenApi', data: { apiKey: WRONG_KEY, baseUrl: standIn.url } },
		]);
		await importWorkflows(n8n, [
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
			heyGenWorkflow('e2eDownload00001', { limit: 8, download: true, downloadConcurrency: 3 }),
			...exampleWorkflows(),
		]);
	},
	45 * 60 * 1000,
);

afterAll(async () => {
	await standIn?.close();
	if (n8n) rmSync(n8n.userFolder, { recursive: true, force: true });
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
	for (const type of ['image', 'audio', 'video']) {
		for (const folder of ['', ...standIn.folders.map((f) => f.id)]) {
			const assets = standIn.assets.filter(
				(asset) => asset.file_type === type && asset.folder_id === folder,
			);
			const row = summary.rows.find(
				(r: { file_type: string; folder_id: string }) =>
					r.file_type === type && r.folder_id === (folder || '(root)'),
			);
			expect(row?.count ?? 0).toBe(assets.length);
			if (assets.length) {
				expect(row.newest_ts).toBe(Math.max(...assets.map((asset) => asset.created_ts)));
				expect(row.oldest_ts).toBe(Math.min(...assets.map((asset) => asset.created_ts)));
			}
		}
	}
	expect(summary.text).toMatch(
		/^HeyGen asset audit: 300 assets \(image: 120, audio: 90, video: 90\)/,
	);
});

it('v3: Return All gives the same assets in the same output shape, plus owner and space_id', async () => {
	const result = await executeWorkflow(n8n, 'e2eV3ReturnAll01');
	expect(result.run.status).toBe('success');
	const items = nodeItems(result.run, 'HeyGen');
	expect(
		items.map(({ owner, space_id, ...rest }) => ({ ...rest, extra: [owner, space_id] })),
	).toEqual(standIn.assets.map((asset) => ({ ...asset, extra: [standIn.username, 'space-0001'] })));
	expect(standIn.requestsTo('/v3/users/me')).toHaveLength(1);
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
	const examples = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));
	it.each(examples)('%s', async (file) => {
		const { id } = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
		const result = await executeWorkflow(n8n, id);
		expect(result.code).toBe(0);
		expect(result.run.status).toBe('success');
		expect(standIn.requestsTo(LIST).length).toBeGreaterThan(0);
	});
});

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
