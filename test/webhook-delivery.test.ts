/**
 * The pure rules of a HeyGen delivery (helpers/webhookDelivery.ts): the signature over the raw bytes,
 * the timestamp window, the headers that must be there, and the bounded memory of event ids.
 */
import { createHmac } from 'node:crypto';

import {
	DELIVERY_POLICY,
	pruneSeen,
	signatureOf,
	verifyDelivery,
} from '../nodes/HeyGen/helpers/webhookDelivery';

const SECRET = 'whsec_test';
const NOW = 1_800_000_000;
const RAW = Buffer.from('{"event_id":"evt_1","event_type":"avatar_video.success","event_data":{}}');

const delivery = (changes: Partial<Parameters<typeof verifyDelivery>[0]> = {}) => ({
	rawBody: RAW,
	signature: signatureOf(SECRET, RAW),
	timestamp: String(NOW),
	eventId: 'evt_1',
	...changes,
});

it('signs as HeyGen documents it: hex HMAC-SHA256 of the raw body with the secret', () => {
	expect(signatureOf(SECRET, RAW)).toBe(createHmac('sha256', SECRET).update(RAW).digest('hex'));
	expect(signatureOf(SECRET, RAW)).toMatch(/^[0-9a-f]{64}$/);
});

it('accepts a delivery signed over its bytes, sent now, naming its event', () => {
	expect(verifyDelivery(delivery(), SECRET, NOW)).toEqual({ accepted: true, eventId: 'evt_1' });
	// Hex in capitals is the same signature.
	const upper = delivery({ signature: signatureOf(SECRET, RAW).toUpperCase() });
	expect(verifyDelivery(upper, SECRET, NOW).accepted).toBe(true);
});

it('refuses with 401 a missing signature, another secret and a signature of other bytes', () => {
	const cases = [
		delivery({ signature: undefined }),
		delivery({ signature: signatureOf('whsec_other', RAW) }),
		delivery({ signature: signatureOf(SECRET, Buffer.from(`${RAW.toString()} `)) }),
		delivery({ signature: signatureOf(SECRET, RAW).slice(0, 63) }),
		delivery({ signature: 'not hex at all' }),
	];
	for (const forged of cases)
		expect(verifyDelivery(forged, SECRET, NOW)).toMatchObject({ accepted: false, status: 401 });
});

it('checks the bytes that arrived, not the same JSON written out again', () => {
	const reserialized = Buffer.from(JSON.stringify(JSON.parse(RAW.toString()), null, 1));
	const signedPretty = delivery({ rawBody: reserialized });
	expect(verifyDelivery(signedPretty, SECRET, NOW)).toMatchObject({ status: 401 });
});

it('refuses with 400 a timestamp further than the window from now, either way, or none', () => {
	const { toleranceSeconds } = DELIVERY_POLICY;
	const at = (seconds: number | string | undefined) =>
		verifyDelivery(
			delivery({ timestamp: seconds === undefined ? undefined : String(seconds) }),
			SECRET,
			NOW,
		);
	expect(at(NOW - toleranceSeconds).accepted).toBe(true);
	expect(at(NOW + toleranceSeconds).accepted).toBe(true);
	expect(at(NOW - toleranceSeconds - 1)).toMatchObject({ accepted: false, status: 400 });
	expect(at(NOW + toleranceSeconds + 1)).toMatchObject({ accepted: false, status: 400 });
	expect(at(undefined)).toMatchObject({ accepted: false, status: 400 });
	expect(at('yesterday')).toMatchObject({ accepted: false, status: 400 });
});

it('refuses with 400 a delivery without its event id or its body', () => {
	expect(verifyDelivery(delivery({ eventId: undefined }), SECRET, NOW)).toMatchObject({
		status: 400,
	});
	expect(verifyDelivery(delivery({ rawBody: undefined }), SECRET, NOW)).toMatchObject({
		status: 400,
	});
});

it('never says the secret or the expected signature in a refusal', () => {
	const verdict = verifyDelivery(delivery({ signature: 'f'.repeat(64) }), SECRET, NOW);
	expect(JSON.stringify(verdict)).not.toContain(SECRET);
	expect(JSON.stringify(verdict)).not.toContain(signatureOf(SECRET, RAW));
});

it('remembers event ids for the retry window, then forgets them', () => {
	const hour = 3_600_000;
	const seen = { old: 0, recent: DELIVERY_POLICY.rememberMs - hour };
	expect(Object.keys(pruneSeen(seen, DELIVERY_POLICY.rememberMs - 1))).toEqual(['recent', 'old']);
	expect(Object.keys(pruneSeen(seen, DELIVERY_POLICY.rememberMs))).toEqual(['recent']);
	// HeyGen retries for 24 hours: an id must outlive that.
	expect(DELIVERY_POLICY.rememberMs).toBeGreaterThanOrEqual(24 * hour);
});

it('keeps at most maxRememberedEvents ids, the newest', () => {
	const policy = { ...DELIVERY_POLICY, maxRememberedEvents: 3 };
	const seen = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`evt_${n}`, n]));
	expect(Object.keys(pruneSeen(seen, 10, policy)).sort()).toEqual(['evt_3', 'evt_4', 'evt_5']);
});
