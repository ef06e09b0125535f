/** The decisions of the upload protocol, as pure functions (HeyGen's notes: "How HeyGen's own clients speak the upload protocol"). */
import { CONFLICT_POLICY, conflictDelayMs, conflictKind } from '../nodes/HeyGen/transport/conflict';
import { storageHeaders } from '../nodes/HeyGen/transport/upload';

describe('storageHeaders: the storage PUT', () => {
	const file = { contentType: 'video/mp4', size: 42 };

	it('sends the declared Content-Type when upload_headers is {} (the URL is signed for it)', () => {
		expect(storageHeaders({ uploadHeaders: {} }, file)).toEqual({
			'content-type': 'video/mp4',
			'content-length': '42',
		});
	});

	it("puts upload_headers on top, HeyGen's Content-Type included, and never an API key", () => {
		expect(
			storageHeaders(
				{
					uploadHeaders: {
						'content-type': 'video/mp4; codecs=avc1',
						'x-amz-meta-id': 'a1',
						'x-api-key': 'leaked',
						authorization: 'Bearer x',
					},
				},
				file,
			),
		).toEqual({
			'content-type': 'video/mp4; codecs=avc1',
			'x-amz-meta-id': 'a1',
			'content-length': '42',
		});
	});
});

describe('conflictKind and conflictDelayMs: which 409s are waited out, and how long', () => {
	const v3 = (code: string, message: string) => ({ error: { code, message } });

	it('tells the storage catching up and the same key still running from every other 409', () => {
		expect(conflictKind(409, v3('conflict', 'Uploaded object not found yet'))).toBe('notFoundYet');
		expect(conflictKind(409, v3('request_in_progress', 'in progress'))).toBe('inProgress');
		expect(conflictKind(409, v3('conflict', 'Asset already completed'))).toBeUndefined();
		expect(conflictKind(409, undefined)).toBeUndefined();
		expect(conflictKind(400, v3('request_in_progress', 'x'))).toBeUndefined();
	});

	it("waits 500 ms × attempt for 'not found yet', 5 times, as HeyGen's client does", () => {
		const waits = [0, 1, 2, 3, 4, 5].map((n) => conflictDelayMs('notFoundYet', n));
		expect(waits).toEqual([500, 1000, 1500, 2000, 2500, undefined]);
	});

	it('backs off for request_in_progress, doubling up to the cap, and gives up after the last', () => {
		const waits = Array.from({ length: CONFLICT_POLICY.inProgressRetries + 1 }, (_, n) =>
			conflictDelayMs('inProgress', n),
		);
		expect(waits.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 10_000]);
		expect(waits[CONFLICT_POLICY.inProgressRetries - 1]).toBe(10_000);
		expect(waits[CONFLICT_POLICY.inProgressRetries]).toBeUndefined();
	});
});
