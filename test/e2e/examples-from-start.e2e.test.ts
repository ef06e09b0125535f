/**
 * A newcomer's first run, every example as they meet it: `npm start`'s own session (the stand-in, the credential, the
 * examples imported, the owner), then each example that a manual run can start, executed through the
 * REST call the editor's *Execute workflow* makes. Each must end green, with items where items belong.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'flatted';

import { AUDIT_SLACK_OFF_STEP, SLACK_OFF_NOTE } from '../../scripts/lib/demo-setup';
import { freePort } from '../../scripts/lib/n8n';
import { startSession } from '../../scripts/lib/session';
import { waitFor } from '../helpers/wait';

type Session = Awaited<ReturnType<typeof startSession>>;
interface Workflow {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		disabled?: boolean;
		notes?: string;
		notesInFlow?: boolean;
		parameters: { content?: string } & Record<string, unknown>;
	}>;
}
interface OutputItem {
	json: { id?: string; name?: string; total?: number } & Record<string, unknown>;
	binary?: Record<string, { fileName?: string }>;
}
interface RunData {
	error?: { message: string };
	runData: Record<
		string,
		Array<{ executionStatus: string; data: { main: Array<Array<OutputItem>> } }>
	>;
}

let session: Session;
let home: string;
let cookie = '';

async function rest<T>(path: string, init: RequestInit = {}): Promise<T> {
	const response = await fetch(`${session.url}${path}`, {
		...init,
		headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) },
	});
	expect([path, response.status]).toEqual([path, 200]);
	return ((await response.json()) as { data: T }).data;
}

/** Runs a workflow from its manual trigger, as the editor's Execute workflow does, to its end. */
async function execute(
	id: string,
	startAt = 'Run now',
): Promise<{ status: string; resultData: RunData }> {
	const workflow = await rest<Workflow>(`/rest/workflows/${id}`);
	const { executionId } = await rest<{ executionId: string }>(`/rest/workflows/${id}/run`, {
		method: 'POST',
		body: JSON.stringify({ workflowData: workflow, triggerToStartFrom: { name: startAt } }),
	});
	const execution = await waitFor(
		`${workflow.name} to end`,
		async () => {
			const data = await rest<{ status: string; data: string }>(`/rest/executions/${executionId}`);
			return ['new', 'running', 'waiting'].includes(data?.status) ? undefined : data;
		},
		180_000,
	);
	const { resultData } = parse(execution.data) as { resultData: RunData };
	return { status: execution.status, resultData };
}

const items = (run: { resultData: RunData }, node: string) =>
	run.resultData.runData[node]?.[0]?.data.main[0] ?? [];

function expectGreen(run: { status: string; resultData: RunData }) {
	expect({ status: run.status, error: run.resultData.error?.message }).toEqual({
		status: 'success',
	});
}

const standIn = () => {
	const found = session.backend.standIn;
	if (!found) throw new Error('npm start runs the stand-in unless HEYGEN_API_KEY is set');
	return found;
};

beforeAll(
	async () => {
		delete process.env.SLACK_ACCESS_TOKEN;
		delete process.env.HEYGEN_API_KEY;
		home = mkdtempSync(join(tmpdir(), 'heygen-examples-'));
		session = await startSession({ home, port: await freePort() });
		const login = await fetch(`${session.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				emailOrLdapLoginId: session.owner.email,
				password: session.owner.password,
			}),
		});
		expect(login.ok).toBe(true);
		cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	},
	10 * 60 * 1000,
);

afterAll(async () => {
	await session?.stop();
	if (home) rmSync(home, { recursive: true, force: true });
});

// The webhook example starts from a HeyGen delivery: test/e2e/webhook-trigger.e2e.test.ts runs it.
it('npm start imports every example; each but the MCP server starts from Run now or a HeyGen trigger', async () => {
	const names = session.examples.map((workflow) => workflow.name).sort();
	expect(names).toHaveLength(8);
	for (const workflow of session.examples as Workflow[]) {
		const startable = workflow.nodes.some((node) =>
			[
				'n8n-nodes-base.manualTrigger',
				'n8n-nodes-heygen.heyGenTrigger',
				'n8n-nodes-heygen.heyGenWebhookTrigger',
			].includes(node.type),
		);
		const mcp = workflow.nodes.some((node) => node.type.endsWith('.mcpTrigger'));
		expect([workflow.name, startable || mcp]).toEqual([workflow.name, true]);
	}
	// No example under npm start points at the Docker image's folder, which does not exist here.
	expect(JSON.stringify(session.examples)).not.toContain('/home/node/');
});

it('the audit ends green with every asset summarized, Slack switched off with a note that says where the summary is', async () => {
	const workflow = await rest<Workflow>('/rest/workflows/hgAssetAudit0001');
	const slack = workflow.nodes.find((node) => node.name === 'Post to Slack');
	expect(slack).toMatchObject({ disabled: true, notes: SLACK_OFF_NOTE, notesInFlow: true });
	const note = workflow.nodes.find((node) => node.name === 'About this workflow');
	expect(note?.parameters.content).toContain(AUDIT_SLACK_OFF_STEP);
	expect(note?.parameters.content).not.toContain('Pick your Slack credential');
	const completedBefore = standIn().videos.filter((video) => video.status === 'completed').length;
	const run = await execute('hgAssetAudit0001');
	expectGreen(run);
	const [summary] = items(run, 'Summarize by type and folder');
	expect(summary.json.total).toBe(standIn().assets.length);
	// A switched-off node passes its input on unchanged; it must not have run (and failed).
	expect(run.resultData.runData['Post to Slack'][0].executionStatus).toBe('success');
	// The videos beside the assets, by status, in the text that goes to Slack.
	const [library] = items(run, 'Add the videos');
	const videos = library.json.videos as { total: number; by_status: Record<string, number> };
	expect(videos.total).toBe(standIn().videos.length);
	// npm start's renders finish two minutes after it starts: one may finish during the run.
	const completed = standIn().videos.filter((video) => video.status === 'completed').length;
	expect(videos.by_status.completed).toBeGreaterThanOrEqual(completedBefore);
	expect(videos.by_status.completed).toBeLessThanOrEqual(completed);
	expect(String(library.json.text)).toContain(`HeyGen videos: ${standIn().videos.length}`);
});

it('the inventory ends green with one CSV of every asset', async () => {
	const run = await execute('hgInventoryCsv01');
	expectGreen(run);
	expect(items(run, 'Inventory row')).toHaveLength(standIn().assets.length);
	const [csv] = items(run, 'Inventory CSV');
	expect(csv.binary?.data?.fileName).toBe('heygen-assets.csv');
});

it('the backup ends green and writes every asset that has a file into the files folder', async () => {
	const run = await execute('hgBackupToDisk01');
	expectGreen(run);
	const withFile = standIn().assets.filter((asset) => asset.url);
	expect(items(run, 'Write to the backup folder')).toHaveLength(withFile.length);
	const folder = join(session.filesDir, 'heygen-backup');
	expect(readdirSync(folder)).toHaveLength(withFile.length);
});

it('the clean-up’s dry run ends green and lists old videos, deleting nothing', async () => {
	const run = await execute('hgCleanUpOld0001');
	expectGreen(run);
	const cutoff = Date.now() / 1000 - 180 * 86_400;
	const old = standIn().assets.filter(
		(asset) => asset.file_type === 'video' && asset.created_ts < cutoff,
	);
	expect(old.length).toBeGreaterThan(0);
	expect(items(run, 'Would be deleted').map((item) => item.json.id)).toEqual(
		old.map((asset) => asset.id),
	);
	expect(items(run, 'Delete the asset')).toEqual([]);
	expect(standIn().deleted).toEqual([]);
});

it('the upload ends green and sends the files of its folder to HeyGen', async () => {
	const folder = join(session.filesDir, 'to-heygen');
	expect(existsSync(folder)).toBe(true);
	const files = readdirSync(folder).sort();
	expect(files.length).toBeGreaterThan(0);
	const run = await execute('hgUploadFolder01');
	expectGreen(run);
	const uploaded = items(run, 'Upload to HeyGen').map((item) => item.json.name);
	expect(uploaded.sort()).toEqual(files);
});

it('the video backup, executed from its trigger, ends green and writes the newest finished video', async () => {
	const run = await execute('hgVideoBackup001', 'When a render finishes');
	expectGreen(run);
	const newest = standIn().videos.find((video) => video.status === 'completed');
	expect(items(run, 'When a render finishes').map((item) => item.json.id)).toEqual([newest?.id]);
	const [written] = items(run, 'Write to the backup folder');
	expect(written.json.id).toBe(newest?.id);
	const folder = join(session.filesDir, 'heygen-videos');
	expect(readdirSync(folder)).toEqual([
		expect.stringMatching(new RegExp(`^${String(newest?.id)}-.+\\.mp4$`)),
	]);
});
