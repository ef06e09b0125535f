import { backoffMs, retryAfterMs, RETRY_POLICY } from '../nodes/HeyGen/transport';
import { heyGenErrorCode, heyGenErrorMessage } from '../nodes/HeyGen/transport/errors';

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

	it('reads seconds and HTTP dates', () => {
		expect(retryAfterMs('3', now)).toBe(3000);
		expect(retryAfterMs('0.5', now)).toBe(500);
		expect(retryAfterMs('Sun, 29 Nov 2026 10:00:07 GMT', now)).toBe(7000);
		expect(retryAfterMs('Sun, 29 Nov 2026 09:59:00 GMT', now)).toBe(0);
		expect(retryAfterMs(['2'], now)).toBe(2000);
	});

	it('ignores what is not a Retry-After value', () => {
		expect(retryAfterMs(undefined, now)).toBeUndefined();
		expect(retryAfterMs('', now)).toBeUndefined();
		expect(retryAfterMs('soon', now)).toBeUndefined();
	});

	it('doubles from about a second and caps every wait at 30 s', () => {
		expect([0, 1, 2].map((retry) => backoffMs(retry))).toEqual([1000, 2000, 4000]);
		expect(backoffMs(0, '5')).toBe(5000);
		expect(backoffMs(0, '3600')).toBe(RETRY_POLICY.maxDelayMs);
		expect(backoffMs(20)).toBe(RETRY_POLICY.maxDelayMs);
	});
});
