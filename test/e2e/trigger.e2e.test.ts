/**
 * The HeyGen Trigger in a real n8n: an active workflow (HeyGen Trigger → HTTP Request into the
 * stand-in's sink) under `n8n start`, polled by n8n itself every minute.
 */
import { rmSync } from 'node:fs';

import { ensureRuntime } from '../../scripts/n8n-runtime';
import {
	createN8n,
	importCredentials,
	importWorkflows,
	n8nCommand,
	startServer,
} from '../../scripts/lib/n8n';
import { triggerToSinkWorkflow } from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import { startStandIn } from '../stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;
let n8n: Awaited<ReturnType<typeof createN8n>>;
let server: Awaited<ReturnType<typeof startServer>> | undefined;

beforeAll(
	async () => {
		standIn = await startStandIn({ assets: 60, folders: 2, seed: 99 });
		n8n = await createN8n({ runtime: await ensureRuntime() });
		await importCredentials(n8n, [
			{
				id: 'heygenTrigCred01',
				name: 'HeyGen',
				type: 'heyGenApi',
				data: { apiKey: standIn.apiKey, baseUrl: standIn.url },
			},
		]);
		await importWorkflows(n8n, [
			triggerToSinkWorkflow({
				id: 'e2eTrigger000001',
				name: 'HeyGen trigger e2e',
				sinkUrl: `${standIn.url}/__sink`,
				credential: { id: 'heygenTrigCred01', name: 'HeyGen' },
				typeVersion: 1,
			}),
		]);
		const published = await n8nCommand(n8n, ['publish:workflow', '--id=e2eTrigger000001']);
		expect(published.code).toBe(0);
		server = await startServer(n8n);
	},
	10 * 60 * 1000,
);

afterAll(async () => {
	await server?.stop();
	await standIn?.close();
	if (n8n) rmSync(n8n.userFolder, { recursive: true, force: true });
});

it(
	'activation takes the library as it is; each new asset then arrives once, oldest first',
	async () => {
		// The first poll (at activation or at the first minute) only remembers where the library is.
		await waitFor(
			'the first poll',
			() => (standIn.requestsTo('/v1/asset/list').length > 0 ? true : undefined),
			90_000,
		);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(standIn.sink).toEqual([]);
		const a = standIn.addAsset({ file_type: 'video' });
		const b = standIn.addAsset({ file_type: 'audio' });
		const delivered = await waitFor(
			'the new assets',
			() => (standIn.sink.length >= 2 ? standIn.sink : undefined),
			100_000,
		);
		expect(delivered).toEqual([a, b]);
		// Nothing old came along, and nothing twice.
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(standIn.sink).toHaveLength(2);
	},
	4 * 60 * 1000,
);
