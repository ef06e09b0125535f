/**
 * Asset → Upload of a file in n8n's binary data store whose read fails part-way: the error names
 * the field and the store, never "Could not reach HeyGen" (the body is read inside the request).
 * n8n's BinaryDataService is replaced in this file's container by one whose streams fail.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { type INodeExecutionData, NodeOperationError } from 'n8n-workflow';
import { Readable } from 'node:stream';

import { runHeyGenNode } from './helpers/n8n-harness';
import { startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

const SIZE = 4000;
/** How many reads of the file succeed before the store fails (the first read hashes the file). */
let goodReads = 0;

function failingStream(): Readable {
	const half = Buffer.alloc(SIZE / 2, 0x52);
	let sent = false;
	return new Readable({
		read() {
			if (!sent) {
				sent = true;
				this.push(half);
			} else this.destroy(new Error('connection to the database was lost'));
		},
	});
}

beforeAll(async () => {
	standIn = await startStandIn({ assets: 1, folders: 0 });
	Container.set(BinaryDataService, {
		getMetadata: async () => ({ fileSize: SIZE, mimeType: 'audio/wav', fileName: 'take.wav' }),
		getAsStream: async () => {
			if (goodReads > 0) {
				goodReads -= 1;
				return Readable.from([Buffer.alloc(SIZE, 0x52)]);
			}
			return failingStream();
		},
	} as unknown as BinaryDataService);
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

const stored: INodeExecutionData = {
	json: {},
	binary: {
		data: {
			id: 'database:0c6f2b7e-4d1a-4d57-9a7e-000000000002',
			data: 'database',
			mimeType: 'audio/wav',
			fileName: 'take.wav',
		},
	},
};

async function uploadError() {
	try {
		await runHeyGenNode({
			credentials: { apiKey: standIn.apiKey, baseUrl: standIn.url },
			parameters: { resource: 'asset', operation: 'upload' },
			input: [stored],
			nodeVersion: 2,
		});
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('the upload succeeded but an error was expected');
}

it.each([
	['while the file is hashed, before any request', 0, 0],
	['while the file is being sent to HeyGen', 1, 1],
])(
	'a store read that fails %s is a NodeOperationError naming the field and the store',
	async (_when, reads, requests) => {
		goodReads = reads;
		const error = await uploadError();
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Could not read "take.wav" from n8n\'s binary data store');
		expect(error.description).toMatch(/Input Binary Field "data"/);
		expect(error.description).toMatch(/n8n's database store/);
		expect(error.description).toMatch(/connection to the database was lost/);
		expect(standIn.uploads).toEqual([]);
		expect(standIn.requests.length).toBeLessThanOrEqual(requests);
	},
);
