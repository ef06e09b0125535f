import { backoffMs, retryAfterMs, RETRY_POLICY } from '../nodes/HeyGen/transport/retry';
import { pause } from '../nodes/HeyGen/execution/pause';
import { heyGenErrorCode, heyGenErrorMessage } from '../nodes/HeyGen/helpers/errors';

describe('HeyGen error bodies', () => {
	it.each([
		['v1/v2', { error: 'folder not found', data: null }, 'folder not found', undefined],
		['v1 auth', { code: 400112, message: 'Unauthorized' }, 'Unauthorized', '400112'],
		[
			'v3',
			{
				error: {
					code: 'insufficient_credit',
					message: 'Not enough credit',
					param: null,
					doc_url: 'x',
				},
			},
			'Not enough credit',
			'insufficient_credit',
		],
		[
			'v3 without message',
			{ error: { code: 'rate_limit_exceeded' } },
			'rate_limit_exceeded',
			'rate_limit_exceeded',
		],
	])('reads the %s shape', (_shape, body, message, code) => {
		expect(heyGenErrorMessage(body)).toBe(message);
		expect(heyGenErrorCode(body)).toBe(code);
	});

	it.each([null, undefined, 'text', { error: null, data: {} }, { error: '' }])(
		'finds no message in %p',
		(body) => {
			expect(heyGenErrorMessage(body)).toBeUndefined();
		},
	);
});

describe('Retry-After and backoff', () => {
	const now = Date.parse('2026-11-29T10:00:00Z');

	it('reads delta-seconds and the three HTTP-date forms', () => {
		expect(retryAfterMs('3', now)).toBe(3000);
		expect(retryAfterMs(' 0 ', now)).toBe(0);
		expect(retryAfterMs(4, now)).toBe(4000);
		expect(retryAfterMs('Sun, 29 Nov 2026 10:00:07 GMT', now)).toBe(7000);
		// A date already past asks nothing (the normal backoff, never a retry at once).
		expect(retryAfterMs('Sun, 29 Nov 2026 09:59:00 GMT', now)).toBeUndefined();
		expect(retryAfterMs('Sunday, 29-Nov-26 10:00:05 GMT', now)).toBe(5000);
		expect(retryAfterMs('Sun Nov 29 10:00:09 2026', now)).toBe(9000);
		expect(retryAfterMs(['2'], now)).toBe(2000);
	});

	it.each([
		undefined,
		'',
		'soon',
		'abc',
		'-5',
		'1.5',
		'0x10',
		'5s',
		'Sun, 31 Feb 2026 10:00:07 GMT',
		'2026-11-29T10:00:07Z',
		'Mon, 29 Nov 2026 10:00:07 GMT',
	])('%p is no Retry-After value: the normal backoff applies', (value) => {
		expect(retryAfterMs(value, now)).toBeUndefined();
		expect(backoffMs(1, value)).toBe(2 * RETRY_POLICY.baseDelayMs);
	});

	it('doubles from about a second and caps every wait at 30 s', () => {
		expect([0, 1, 2].map((retry) => backoffMs(retry))).toEqual([1000, 2000, 4000]);
		expect(backoffMs(0, '5')).toBe(5000);
		expect(backoffMs(0, '3600')).toBe(RETRY_POLICY.maxDelayMs);
		expect(backoffMs(20)).toBe(RETRY_POLICY.maxDelayMs);
	});
});

describe('the wait between attempts', () => {
	it('ends at once when the run is stopped', async () => {
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 50);
		await expect(pause(10_000, controller.signal)).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('waits as long as asked otherwise', async () => {
		const started = Date.now();
		await pause(120);
		expect(Date.now() - started).toBeGreaterThanOrEqual(100);
	});
});
