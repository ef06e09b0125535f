import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HeyGen's rules for a delivery to a registered endpoint (its webhooks guide): the signature, the
 * timestamp window, and how long an event id is remembered against redeliveries.
 */
export const DELIVERY_POLICY = {
	/** A delivery whose Heygen-Timestamp is further than this from now is refused (HeyGen: ~5 minutes). */
	toleranceSeconds: 300,
	/** Event ids remembered at most per trigger; the oldest are forgotten first. */
	maxRememberedEvents: 1000,
	/** How long an event id is remembered: HeyGen retries for up to 24 hours, plus an hour of slack. */
	rememberMs: 25 * 3_600_000,
};

/** The headers HeyGen signs a delivery with, lower-cased as Node gives them. */
export const DELIVERY_HEADERS = {
	signature: 'heygen-signature',
	timestamp: 'heygen-timestamp',
	eventId: 'heygen-event-id',
} as const;

export interface Delivery {
	/** The request body exactly as it arrived: the signature is over these bytes. */
	rawBody: Buffer | undefined;
	signature: string | undefined;
	timestamp: string | undefined;
	eventId: string | undefined;
}

export type DeliveryVerdict =
	{ accepted: true; eventId: string } | { accepted: false; status: 400 | 401; reason: string };

/** HeyGen's signature of a body: hex HMAC-SHA256 with the endpoint's secret. */
export function signatureOf(secret: string, rawBody: Buffer | string): string {
	return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Compares two signatures in constant time (their length is no secret). */
function sameSignature(given: string, expected: string): boolean {
	const a = Buffer.from(given.trim().toLowerCase(), 'utf8');
	const b = Buffer.from(expected, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}

const refused = (status: 400 | 401, reason: string): DeliveryVerdict => ({
	accepted: false,
	status,
	reason,
});

/**
 * Whether a delivery is HeyGen's: signed over its raw body with `secret`, sent within the window,
 * naming its event. A missing or wrong signature is 401, the rest 400, as HeyGen's sample answers.
 */
export function verifyDelivery(
	delivery: Delivery,
	secret: string,
	nowSeconds: number,
	toleranceSeconds = DELIVERY_POLICY.toleranceSeconds,
): DeliveryVerdict {
	const { rawBody, signature, timestamp, eventId } = delivery;
	if (!signature) return refused(401, 'the Heygen-Signature header is missing');
	if (!rawBody) return refused(400, 'the body is missing');
	if (!sameSignature(signature, signatureOf(secret, rawBody)))
		return refused(401, 'the signature does not match');
	const sentAt = Number(timestamp);
	if (!timestamp || !Number.isFinite(sentAt))
		return refused(400, 'the Heygen-Timestamp header is missing');
	if (Math.abs(nowSeconds - sentAt) > toleranceSeconds)
		return refused(400, 'the Heygen-Timestamp is outside the accepted window');
	if (!eventId) return refused(400, 'the Heygen-Event-Id header is missing');
	return { accepted: true, eventId };
}

/** Event ids already taken, with when (ms): kept in the workflow's static data. */
export type SeenEvents = Record<string, number>;

/** The ids still worth remembering at `nowMs`: none older than rememberMs, at most maxRememberedEvents. */
export function pruneSeen(seen: SeenEvents, nowMs: number, policy = DELIVERY_POLICY): SeenEvents {
	const kept = Object.entries(seen)
		.filter(([, at]) => typeof at === 'number' && nowMs - at < policy.rememberMs)
		.sort(([, a], [, b]) => b - a)
		.slice(0, policy.maxRememberedEvents);
	return Object.fromEntries(kept);
}
