/** The decisions of the upload protocol, as pure functions (HeyGen's notes: "How HeyGen's own clients speak the upload protocol"). */
import { description as uploadDescription } from '../nodes/HeyGen/actions/asset/upload.operation';
import { CONFLICT_POLICY, conflictDelayMs, conflictKind } from '../nodes/HeyGen/transport/conflict';
import { nextProcessingStep, PROCESSING_POLICY, statusOf } from '../nodes/HeyGen/api/processing';
import { storageHeaders } from '../nodes/HeyGen/api/upload/direct';

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

describe('nextProcessingStep and statusOf: the processing wait', () => {
	it('completed ends it, failed and not_found fail it, queued and processing poll again with backoff', () => {
		expect(nextProcessingStep('completed', 3, 0, 60_000)).toEqual({ kind: 'done' });
		expect(nextProcessingStep('failed', 0, 0, 60_000)).toEqual({
			kind: 'failed',
			status: 'failed',
		});
		expect(nextProcessingStep('not_found', 0, 0, 60_000).kind).toBe('failed');
		const waits = [0, 1, 2, 3, 4, 5].map(
			(poll) => (nextProcessingStep('processing', poll, 0, 600_000) as { waitMs: number }).waitMs,
		);
		expect(waits).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
		expect(nextProcessingStep('queued', 0, 0, 60_000).kind).toBe('wait');
		expect(PROCESSING_POLICY.maxDelayMs).toBe(15_000);
		const options = uploadDescription.find((property) => property.name === 'options');
		const timeout = (options?.options as Array<{ name: string; default?: unknown }>).find(
			(option) => option.name === 'processingTimeout',
		);
		expect(timeout?.default).toBe(PROCESSING_POLICY.defaultTimeoutSeconds);
	});

	it('never waits past the timeout, and then says it ran out', () => {
		expect(nextProcessingStep('processing', 4, 59_500, 60_000)).toEqual({
			kind: 'wait',
			waitMs: 500,
		});
		expect(nextProcessingStep('processing', 4, 60_000, 60_000)).toEqual({ kind: 'timedOut' });
	});

	it("reads the asset's status from the list HeyGen answers, whatever key holds it", () => {
		const entry = { asset_id: 'a1', status: 'processing' };
		expect(statusOf({ data: { assets: [entry] } }, 'a1')).toBe('processing');
		expect(statusOf({ data: [entry] }, 'a1')).toBe('processing');
		expect(statusOf({ data: { statuses: [{ id: 'a1', status: 'completed' }] } }, 'a1')).toBe(
			'completed',
		);
		expect(statusOf({ data: { assets: [entry] } }, 'b2')).toBeUndefined();
		expect(statusOf({ data: {} }, 'a1')).toBeUndefined();
	});
});
