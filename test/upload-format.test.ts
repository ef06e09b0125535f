/** The upload's format, as pure functions: the multipart body, the content type, the idempotency key. */
import { Readable } from 'node:stream';

import { idempotencyKey } from '../nodes/HeyGen/api/upload/keys';
import { multipartBody } from '../nodes/HeyGen/api/upload/multipart';
import { uploadContentType } from '../nodes/HeyGen/api/upload/types';

describe('upload format', () => {
	it.each([
		['a.png', 'image/png', 'image/png'],
		['a.JPG', 'application/octet-stream', 'image/jpeg'],
		['a', 'audio/mp3', 'audio/mpeg'],
		['a.wav', 'audio/x-wav; codecs=1', 'audio/wav'],
		['a.srt', 'text/plain', 'application/x-subrip'],
		['a.gif', 'image/gif', undefined],
		['a.mov', 'video/quicktime', undefined],
		[undefined, undefined, undefined],
	])('%s (%s) uploads as %s', (fileName, mimeType, expected) => {
		expect(uploadContentType(fileName, mimeType)).toBe(expected);
	});

	it('one idempotency key per item and file: the same parts give the same key, another part another', () => {
		expect(idempotencyKey(['exec1', 'node', 0, 'data', 'a.png', 5])).toBe(
			idempotencyKey(['exec1', 'node', 0, 'data', 'a.png', 5]),
		);
		expect(idempotencyKey(['exec1', 'node', 1, 'data', 'a.png', 5])).not.toBe(
			idempotencyKey(['exec1', 'node', 0, 'data', 'a.png', 5]),
		);
	});

	const file = (content: Buffer, size = content.length) => ({
		fileName: 'ré"sumé\r\n.pdf',
		contentType: 'application/pdf',
		size,
		open: async () => Readable.from([content.subarray(0, 2), content.subarray(2)]),
		position: ['k'],
	});

	async function read(body: Promise<Buffer | Readable>) {
		const chunks: Buffer[] = [];
		for await (const chunk of await body)
			chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
		return Buffer.concat(chunks);
	}

	it('streams a streamed file as a stream of the same kind, and a file in memory as one buffer', async () => {
		const streamed = await multipartBody(file(Buffer.from('%PDF'))).body();
		expect(streamed).toBeInstanceOf(Readable);
		const inMemory = await multipartBody({
			...file(Buffer.from('%PDF')),
			open: async () => Buffer.from('%PDF'),
		}).body();
		expect(Buffer.isBuffer(inMemory)).toBe(true);
	});

	it('a multipart body of the announced length, with a safe file name', async () => {
		const body = multipartBody(file(Buffer.from('%PDF-1.7')), 'B0UND');
		const bytes = await read(body.body());
		expect(bytes).toHaveLength(body.length);
		expect(body.contentType).toBe('multipart/form-data; boundary=B0UND');
		expect(bytes.toString()).toBe(
			'--B0UND\r\nContent-Disposition: form-data; name="file"; filename="ré_sumé__.pdf"; filename*=UTF-8\'\'r%C3%A9%22sum%C3%A9%0D%0A.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--B0UND--\r\n',
		);
	});

	it('a file that is not the size its binary data says fails instead of sending a wrong body', async () => {
		await expect(read(multipartBody(file(Buffer.from('12345'), 4)).body())).rejects.toThrow(
			/more bytes than its binary data says/,
		);
		await expect(read(multipartBody(file(Buffer.from('12345'), 9)).body())).rejects.toThrow(
			/fewer bytes/,
		);
		const inMemory = { ...file(Buffer.from('12345'), 4), open: async () => Buffer.from('12345') };
		await expect(read(multipartBody(inMemory).body())).rejects.toThrow(/more bytes/);
	});
});
