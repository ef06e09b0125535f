/**
 * The HeyGen Trigger in a real n8n: an active workflow (HeyGen Trigger → HTTP Request into the
 * stand-in's sink) under `n8n start`, polled by n8n itself every minute.
 */
import { n8nCommand, startServer } from '../../scripts/lib/n8n';
import { triggerToSinkWorkflow } from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import { type HeyGenN8n, type StandIn, SET_UP_TIMEOUT_MS, startHeyGenN8n } from './fixture';

const CREDENTIAL = { id: 'heygenTrigCred01', name: 'HeyGen' };
let e2e: HeyGenN8n | undefined;
let standIn: StandIn;
let server: Awaited<ReturnType<typeof startServer>> | undefined;

beforeAll(async () => {
	e2e = await startHeyGenN8n({
		account: { assets: 60, folders: 2, seed: 99 },
		credentials: [CREDENTIAL],
		workflows: (started) => [
			triggerToSinkWorkflow({
				id: 'e2eTrigger000001',
				name: 'HeyGen trigger e2e',
				sinkUrl: `${started.url}/__sink`,
				credential: CREDENTIAL,
				typeVersion: 1,
			}),
		],
	});
	({ standIn } = e2e);
	const n8n = e2e.n8n;
	const published = await n8nCommand(n8n, ['publish:workflow', '--id=e2eTrigger000001']);
	expect(published.code).toBe(0);
	server = await startServer(n8n);
}, SET_UP_TIMEOUT_MS);

afterAll(async () => {
	await server?.stop();
	await e2e?.close();
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
