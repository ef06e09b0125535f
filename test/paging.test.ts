/** The decisions of the page walk and the upload format, as pure functions. */
import { Readable } from 'node:stream';

import { MAX_EMPTY_PAGES, MAX_PAGE_SIZE, nextStep, pageSize } from '../nodes/HeyGen/helpers/paging';
import { idempotencyKey } from '../nodes/HeyGen/api/upload/keys';
import { multipartBody } from '../nodes/HeyGen/api/upload/multipart';
import { uploadContentType } from '../nodes/HeyGen/api/upload/types';

describe('page size', () => {
	it('asks for what is missing, at most a page, and full pages when the node filters', () => {
		expect(pageSize(undefined, 0, false)).toBe(MAX_PAGE_SIZE);
		expect(pageSize(150, 100, false)).toBe(50);
		expect(pageSize(7, 0, false)).toBe(7);
		expect(pageSize(7, 0, true)).toBe(MAX_PAGE_SIZE);
	});
});

describe('next step after a page', () => {
	const state = { token: 't1', seenTokens: new Set(['t1']), emptyPagesInARow: 0, kept: 10 };

	it('stops at the limit, at the end, or when the caller has enough', () => {
		expect(nextStep(state, { count: 10, next: 't2' }, 10, true)).toEqual({ action: 'stop' });
		expect(nextStep(state, { count: 10 }, undefined, true)).toEqual({ action: 'stop' });
		expect(nextStep(state, { count: 10, next: 't2' }, undefined, false)).toEqual({
			action: 'stop',
		});
	});

	it('goes on with a new token', () => {
		expect(nextStep(state, { count: 10, next: 't2' }, 11, true)).toEqual({
			action: 'next',
			token: 't2',
		});
	});

	it('fails on a token seen before, and on too many empty pages', () => {
		expect(nextStep(state, { count: 10, next: 't1' }, undefined, true)).toEqual({
			action: 'fail',
			reason: 'repeatedToken',
		});
		const empty = { ...state, emptyPagesInARow: MAX_EMPTY_PAGES - 1 };
		expect(nextStep(empty, { count: 0, next: 't9' }, undefined, true)).toEqual({
			action: 'fail',
			reason: 'emptyPages',
		});
		expect(nextStep(empty, { count: 1, next: 't9' }, undefined, true)).toEqual({
			action: 'next',
			token: 't9',
		});
	});
});

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
