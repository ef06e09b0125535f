import type { IWebhookFunctions } from 'n8n-workflow';

import { pruneSeen, type SeenEvents } from '../helpers';

/**
 * The event ids this n8n process has taken, per trigger. n8n loads a workflow's static data afresh
 * for each webhook call and saves it after the answer, so two deliveries at once would each miss
 * the other's id there; a check and a mark in this map happen with no await between them.
 */
const takenInProcess = new Map<string, SeenEvents>();

const triggerKey = (context: IWebhookFunctions) =>
	`${context.getWorkflow().id ?? ''}\n${context.getNode().id}`;

function storedSeen(context: IWebhookFunctions): SeenEvents {
	const seen = context.getWorkflowStaticData('node').seenEvents;
	return seen && typeof seen === 'object' ? { ...(seen as SeenEvents) } : {};
}

/**
 * Takes an event id: true the first time, false for a redelivery — remembered in this process and in
 * the workflow's static data (which n8n saves after the answer), for DELIVERY_POLICY's time and count.
 */
export function takeEvent(context: IWebhookFunctions, eventId: string, nowMs = Date.now()) {
	const key = triggerKey(context);
	const inProcess = pruneSeen(takenInProcess.get(key) ?? {}, nowMs);
	const stored = pruneSeen(storedSeen(context), nowMs);
	if (eventId in inProcess || eventId in stored) return false;
	takenInProcess.set(key, pruneSeen({ ...inProcess, [eventId]: nowMs }, nowMs));
	// Assigned, not changed in place: n8n notices only a property set on the node's static data.
	context.getWorkflowStaticData('node').seenEvents = pruneSeen(
		{ ...stored, [eventId]: nowMs },
		nowMs,
	);
	return true;
}

const without = (seen: SeenEvents, eventId: string) =>
	Object.fromEntries(Object.entries(seen).filter(([id]) => id !== eventId));

/** Gives an event id back (its run could not start), so that HeyGen's next attempt is taken. */
export function releaseEvent(context: IWebhookFunctions, eventId: string) {
	const key = triggerKey(context);
	takenInProcess.set(key, without(takenInProcess.get(key) ?? {}, eventId));
	context.getWorkflowStaticData('node').seenEvents = without(storedSeen(context), eventId);
}
