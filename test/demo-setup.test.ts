/**
 * Slack in `npm start` and `npm run demo`: switched off, with a note that says why, unless a real
 * Slack token is given — the audit example must not end red at its last node on a first run.
 */
import {
	SLACK_OFF_NOTE,
	exampleWorkflows,
	sessionCredentials,
	slackBackend,
} from '../scripts/lib/demo-setup';

interface SlackNode {
	type: string;
	disabled?: boolean;
	credentials: { slackApi: unknown };
	parameters: { channelId: unknown };
}
const slackNodes = (workflows: Array<{ nodes?: SlackNode[] }>) =>
	workflows.flatMap((workflow) =>
		(workflow.nodes ?? []).filter((node) => node.type === 'n8n-nodes-base.slack'),
	);
const heyGen = { credential: { id: 'h', name: 'HeyGen account', type: 'heyGenApi', data: {} } };

describe('Slack in the local session', () => {
	const saved = { token: process.env.SLACK_ACCESS_TOKEN, channel: process.env.SLACK_CHANNEL };
	afterEach(() => {
		for (const [name, value] of [
			['SLACK_ACCESS_TOKEN', saved.token],
			['SLACK_CHANNEL', saved.channel],
		] as const)
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
	});

	it('without SLACK_ACCESS_TOKEN: every Slack step is off, with a note on the canvas, and no Slack credential', () => {
		delete process.env.SLACK_ACCESS_TOKEN;
		const slack = slackBackend();
		const nodes = slackNodes(exampleWorkflows({ slack }));
		expect(nodes.length).toBeGreaterThan(0);
		for (const node of nodes)
			expect(node).toMatchObject({ disabled: true, notes: SLACK_OFF_NOTE, notesInFlow: true });
		expect(SLACK_OFF_NOTE).toMatch(/slack\.com/);
		expect(SLACK_OFF_NOTE).toMatch(/SLACK_ACCESS_TOKEN/);
		expect(sessionCredentials(heyGen, slack)).toEqual([heyGen.credential]);
		// Not given a Slack at all (the queue-mode test) is the same.
		expect(slackNodes(exampleWorkflows())).toEqual(nodes);
	});

	it('with SLACK_ACCESS_TOKEN: the step is on, with the credential it names, and SLACK_CHANNEL as its channel', () => {
		process.env.SLACK_ACCESS_TOKEN = 'xoxb-test';
		process.env.SLACK_CHANNEL = '#audits';
		const slack = slackBackend();
		const nodes = slackNodes(exampleWorkflows({ slack }));
		const [, credential] = sessionCredentials(heyGen, slack);
		expect(credential).toMatchObject({ type: 'slackApi', data: { accessToken: 'xoxb-test' } });
		for (const node of nodes) {
			expect(node.disabled).toBeUndefined();
			expect(node.credentials.slackApi).toEqual({ id: credential.id, name: credential.name });
			expect(node.parameters.channelId).toMatchObject({ mode: 'name', value: '#audits' });
		}
	});
});
