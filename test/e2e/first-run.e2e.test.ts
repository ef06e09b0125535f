/**
 * A newcomer's first run: `npm start`'s session (the stand-in, the examples, the owner), then the
 * audit example's *Execute workflow* from the editor, through the REST call the editor makes. It
 * must end green: the Slack step, which has no Slack to talk to offline, is switched off with a note
 * rather than failing the run on a credential that does not exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'flatted';

import { freePort } from '../../scripts/lib/n8n';
import { SLACK_OFF_NOTE } from '../../scripts/lib/demo-setup';
import { startSession } from '../../scripts/lib/session';
import { waitFor } from '../helpers/wait';

const AUDIT_ID = 'hgAssetAudit0001';
let session: Awaited<ReturnType<typeof startSession>>;
let home: string;
let cookie = '';

async function rest<T>(path: string, init: RequestInit = {}): Promise<T> {
	const response = await fetch(`${session.url}${path}`, {
		...init,
		headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) },
	});
	expect(response.ok).toBe(true);
	return ((await response.json()) as { data: T }).data;
}

beforeAll(
	async () => {
		delete process.env.SLACK_ACCESS_TOKEN;
		home = mkdtempSync(join(tmpdir(), 'heygen-first-run-'));
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

it('the audit example, executed from the editor, ends green with every asset summarized', async () => {
	const workflow = await rest<{ nodes: Array<{ name: string }> }>(`/rest/workflows/${AUDIT_ID}`);
	const slack = workflow.nodes.find((node) => node.name === 'Post to Slack');
	expect(slack).toMatchObject({ disabled: true, notes: SLACK_OFF_NOTE, notesInFlow: true });

	const { executionId } = await rest<{ executionId: string }>(`/rest/workflows/${AUDIT_ID}/run`, {
		method: 'POST',
		body: JSON.stringify({ workflowData: workflow, triggerToStartFrom: { name: 'Run now' } }),
	});
	const execution = await waitFor(
		'the execution to end',
		async () => {
			const data = await rest<{ status: string; data: string }>(`/rest/executions/${executionId}`);
			return ['new', 'running'].includes(data?.status) ? undefined : data;
		},
		120_000,
	);
	const { resultData } = parse(execution.data);
	expect(resultData.error?.message).toBeUndefined();
	expect(execution.status).toBe('success');
	const [summary] = resultData.runData['Summarize by type and folder'][0].data.main[0];
	expect(summary.json.total).toBe(session.backend.standIn?.assets.length);
	// A switched-off node passes its input on unchanged; it must not have run (and failed).
	expect(resultData.runData['Post to Slack'][0].executionStatus).toBe('success');
});
