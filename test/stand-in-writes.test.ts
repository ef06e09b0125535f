/** The stand-in's upload, direct-upload and delete endpoints keep to HeyGen's documented contract. */
import { createHash } from 'node:crypto';

import { MULTIPART_MAX_BYTES, startStandIn } from './stand-in/heygen-stand-in';

type StandIn = Awaited<ReturnType<typeof startStandIn>>;
let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn({ assets: 5, folders: 1 });
});
afterAll(async () => {
	await standIn.close();
});
beforeEach(() => standIn.reset());

async function call(
	method: string,
	url: string,
	init: { headers?: Record<string, string>; body?: Buffer | string } = {},
) {
	const response = await fetch(url, { method, headers: init.headers, body: init.body });
	const text = await response.text();
	return {
		status: response.status,
		text,
		body: (() => {
			try {
				return JSON.parse(text);
			} catch {
				return undefined;
			}
		})(),
	};
}

const api = (path: string) => `${standIn.url}${path}`;
const key = () => ({ 'x-api-key': standIn.apiKey });

function multipart(
	content: Buffer,
	fileName: string,
	contentType: string,
	boundary = 'XyZboundary123',
) {
	return {
		headers: { ...key(), 'content-type': `multipart/form-data; boundary=${boundary}` },
		body: Buffer.concat([
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
			),
			content,
			Buffer.from(`\r\n--${boundary}--\r\n`),
		]),
	};
}

it('POST /v3/assets reads the file field whole, even when its bytes look like a boundary', async () => {
	const content = Buffer.from(`line\r\n--XyZboundary12\r\n--XyZ${'z'.repeat(70000)}`);
	const { status, body } = await call(
		'POST',
		api('/v3/assets'),
		multipart(content, 'a.png', 'image/png'),
	);
	expect(status).toBe(200);
	expect(body.data).toEqual({
		asset_id: expect.stringMatching(/^[0-9a-f]{32}$/),
		url: expect.any(String),
		mime_type: 'image/png',
		size_bytes: content.length,
		status: 'completed',
	});
	expect(standIn.uploads[0].sha256).toBe(createHash('sha256').update(content).digest('hex'));
	expect(standIn.assets[0]).toMatchObject({
		id: body.data.asset_id,
		name: 'a.png',
		file_type: 'image',
	});
});

it('POST /v3/assets refuses a file above 32 MB with 413, a type it does not take with 400, and no key with 401', async () => {
	const tooBig = await call(
		'POST',
		api('/v3/assets'),
		multipart(Buffer.alloc(MULTIPART_MAX_BYTES + 1), 'big.mp4', 'video/mp4'),
	);
	expect(tooBig.status).toBe(413);
	expect(tooBig.body.error.code).toBe('payload_too_large');
	const gif = await call(
		'POST',
		api('/v3/assets'),
		multipart(Buffer.from('GIF89a'), 'a.gif', 'image/gif'),
	);
	expect(gif.status).toBe(400);
	const { headers, body } = multipart(Buffer.from('x'), 'a.png', 'image/png');
	const noKey = await call('POST', api('/v3/assets'), {
		headers: { 'content-type': headers['content-type'] },
		body,
	});
	expect(noKey.status).toBe(401);
	expect(standIn.uploads).toEqual([]);
});

it('the same Idempotency-Key gets the same asset, not a second one', async () => {
	const request = multipart(Buffer.from('png bytes'), 'a.png', 'image/png');
	const first = await call('POST', api('/v3/assets'), {
		...request,
		headers: { ...request.headers, 'idempotency-key': 'k1' },
	});
	const again = await call('POST', api('/v3/assets'), {
		...request,
		headers: { ...request.headers, 'idempotency-key': 'k1' },
	});
	const other = await call('POST', api('/v3/assets'), {
		...request,
		headers: { ...request.headers, 'idempotency-key': 'k2' },
	});
	expect(again.body).toEqual(first.body);
	expect(other.body.data.asset_id).not.toBe(first.body.data.asset_id);
	expect(standIn.uploads).toHaveLength(2);
});

describe('direct upload', () => {
	const content = Buffer.from('a'.repeat(1000));
	const checksum = createHash('sha256').update(content).digest('hex');

	async function create(extra: Record<string, unknown> = {}) {
		const { body } = await call('POST', api('/v3/assets/direct-uploads'), {
			headers: { ...key(), 'content-type': 'application/json' },
			body: JSON.stringify({
				filename: 'clip.mp4',
				content_type: 'video/mp4',
				size_bytes: content.length,
				checksum_sha256: checksum,
				...extra,
			}),
		});
		return body.data;
	}

	it('gives an upload URL on the file host, takes the bytes there, and completes into an asset', async () => {
		const ticket = await create();
		expect(ticket).toMatchObject({
			status: 'pending_upload',
			max_bytes: content.length,
			upload_headers: expect.any(Object),
		});
		expect(new URL(ticket.upload_url).hostname).toBe('localhost');
		const early = await call('POST', api(`/v3/assets/${ticket.asset_id}/complete`), {
			headers: { ...key(), 'content-type': 'application/json' },
			body: '{}',
		});
		expect(early.status).toBe(409);
		const put = await call('PUT', ticket.upload_url, {
			headers: { 'content-type': 'video/mp4', ...ticket.upload_headers },
			body: content,
		});
		expect(put.status).toBe(200);
		const done = await call('POST', api(`/v3/assets/${ticket.asset_id}/complete`), {
			headers: { ...key(), 'content-type': 'application/json' },
			body: JSON.stringify({ checksum_sha256: checksum }),
		});
		expect(done.body.data).toMatchObject({
			asset_id: ticket.asset_id,
			status: 'completed',
			size_bytes: content.length,
			mime_type: 'video/mp4',
		});
		expect(standIn.assets[0].id).toBe(ticket.asset_id);
	});

	/** The PUT as HeyGen's client sends it: Content-Type as declared, then upload_headers. */
	const putHeaders = (ticket: { upload_headers: Record<string, string> }) => ({
		'content-type': 'video/mp4',
		...ticket.upload_headers,
	});

	it('upload_headers is {} and the URL is signed for the Content-Type: a PUT without it, or with another, is refused (403)', async () => {
		const ticket = await create();
		expect(ticket.upload_headers).toEqual({});
		for (const headers of [{}, { 'content-type': 'application/octet-stream' }] as Array<
			Record<string, string>
		>) {
			const refused = await call('PUT', ticket.upload_url, { headers, body: content });
			expect(refused.status).toBe(403);
			expect(refused.text).toMatch(/SignatureDoesNotMatch/);
		}
		const put = await call('PUT', ticket.upload_url, {
			headers: putHeaders(ticket),
			body: content,
		});
		expect(put.status).toBe(200);
	});

	async function completeOf(ticket: { asset_id: string }, headers: Record<string, string> = {}) {
		return await call('POST', api(`/v3/assets/${ticket.asset_id}/complete`), {
			headers: { ...key(), 'content-type': 'application/json', ...headers },
			body: JSON.stringify({ checksum_sha256: checksum }),
		});
	}

	it('complete answers 409 conflict "Uploaded object not found yet" while the storage catches up (storageLag)', async () => {
		standIn.set({ storageLag: 2 });
		const ticket = await create();
		await call('PUT', ticket.upload_url, { headers: putHeaders(ticket), body: content });
		const answers = [await completeOf(ticket), await completeOf(ticket), await completeOf(ticket)];
		expect(answers.map((answer) => answer.status)).toEqual([409, 409, 200]);
		expect(answers[0].body.error).toMatchObject({
			code: 'conflict',
			message: 'Uploaded object not found yet',
		});
		expect(standIn.uploads).toHaveLength(1);
	});

	it('a request whose Idempotency-Key is still being carried out gets 409 request_in_progress, then the stored answer', async () => {
		const ticket = await create();
		await call('PUT', ticket.upload_url, { headers: putHeaders(ticket), body: content });
		standIn.set({ writeMs: 1000 });
		const first = completeOf(ticket, { 'idempotency-key': 'complete-1' });
		const completePath = `/v3/assets/${ticket.asset_id}/complete`;
		// The first one has arrived (it is then being carried out for writeMs).
		while (standIn.requestsTo(completePath).length === 0)
			await new Promise((resolve) => setTimeout(resolve, 5));
		const during = await completeOf(ticket, { 'idempotency-key': 'complete-1' });
		expect(during.status).toBe(409);
		expect(during.body.error.code).toBe('request_in_progress');
		const answered = await first;
		const after = await completeOf(ticket, { 'idempotency-key': 'complete-1' });
		expect(after.body).toEqual(answered.body);
		expect(standIn.uploads).toHaveLength(1);
	});

	it('an asset may still be processing after complete: GET /v3/assets/statuses says so until it is completed (or failed)', async () => {
		standIn.set({ processingPolls: 2 });
		const ticket = await create();
		await call('PUT', ticket.upload_url, { headers: putHeaders(ticket), body: content });
		const done = await completeOf(ticket);
		expect(done.body.data.status).toBe('processing');
		const statuses = async () =>
			(
				await call('GET', api(`/v3/assets/statuses?asset_ids=${ticket.asset_id},nope`), {
					headers: key(),
				})
			).body.data.assets;
		expect(await statuses()).toEqual([
			{ asset_id: ticket.asset_id, status: 'processing' },
			{ asset_id: 'nope', status: 'not_found' },
		]);
		expect((await statuses())[0].status).toBe('processing');
		expect((await statuses())[0].status).toBe('completed');
		standIn.set({ processingFails: true });
		expect((await statuses())[0].status).toBe('failed');
	});

	it('the upload URL refuses an API key, other signed headers, another size, a wrong checksum and, once expired, everything', async () => {
		standIn.set({ signedSizeHeader: true });
		const ticket = await create();
		expect(ticket.upload_headers).toEqual({ 'x-stand-in-signed-size': String(content.length) });
		const withKey = await call('PUT', ticket.upload_url, {
			headers: { ...putHeaders(ticket), ...key() },
			body: content,
		});
		expect(withKey.status).toBe(400);
		expect(withKey.text).toMatch(/x-api-key/);
		expect(
			(
				await call('PUT', ticket.upload_url, {
					headers: { 'content-type': 'video/mp4' },
					body: content,
				})
			).status,
		).toBe(403);
		expect(
			(
				await call('PUT', ticket.upload_url, {
					headers: putHeaders(ticket),
					body: content.subarray(1),
				})
			).status,
		).toBe(400);
		const wrong = Buffer.from('b'.repeat(1000));
		const bad = await call('PUT', ticket.upload_url, {
			headers: putHeaders(ticket),
			body: wrong,
		});
		expect(bad.status).toBe(400);
		expect(bad.text).toMatch(/BadDigest/);
		const expiring = await startStandIn({ assets: 1, uploadUrlTtlMs: -1 });
		try {
			const { body } = await call('POST', `${expiring.url}/v3/assets/direct-uploads`, {
				headers: { 'x-api-key': expiring.apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({
					filename: 'clip.mp4',
					content_type: 'video/mp4',
					size_bytes: content.length,
				}),
			});
			const late = await call('PUT', body.data.upload_url, {
				headers: putHeaders(body.data),
				body: content,
			});
			expect(late.status).toBe(403);
			expect(late.text).toMatch(/expired/);
		} finally {
			await expiring.close();
		}
		expect(standIn.uploads).toEqual([]);
	});
});

it('GET and DELETE /v3/assets/{id}: the asset, then it is gone (404 after)', async () => {
	const [asset] = standIn.assets;
	const got = await call('GET', api(`/v3/assets/${asset.id}`), { headers: key() });
	expect(got.body.data).toMatchObject({
		id: asset.id,
		name: asset.name,
		type: asset.file_type,
		uploaded_at: asset.created_ts,
	});
	const deleted = await call('DELETE', api(`/v3/assets/${asset.id}`), { headers: key() });
	expect(deleted.body).toEqual({ data: { id: asset.id } });
	expect((await call('GET', api(`/v3/assets/${asset.id}`), { headers: key() })).status).toBe(404);
	expect(
		(await call('DELETE', api(`/v3/assets/${asset.id}`), { headers: key() })).body.error.code,
	).toBe('not_found');
	const list = await call('GET', api('/v3/assets?username=stand-in-user&limit=100'), {
		headers: key(),
	});
	expect(list.body.data.map((listed: { id: string }) => listed.id)).not.toContain(asset.id);
});
