import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, heyGenApiError } from '../helpers';
import type { HeyGenContext } from './context';
import { pause } from './pause';
import { runShared } from './run';

export const CANCELLED_MESSAGE = 'The execution was cancelled';

export function cancelSignal(context: HeyGenContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * The context to send an authenticated request from, so that it stops on `signal`. n8n's
 * httpRequestWithAuthentication replaces a request's abortSignal with the one `this` gives
 * (getExecutionCancelSignal), so a request's own reasons to stop (a stalled transfer, another item's
 * failure) would never reach it. A view of the context that gives `signal` (which includes the
 * run's cancellation) keeps them; everything else is the context's own.
 */
export function stoppingOn<T extends HeyGenContext>(context: T, signal: AbortSignal): T {
	if (!('getExecutionCancelSignal' in context)) return context;
	return Object.create(context, { getExecutionCancelSignal: { value: () => signal } }) as T;
}

/** The error for a run stopped by its user, whatever the request was doing. */
export function cancelledError(
	context: HeyGenContext,
	what: string,
	itemIndex?: number,
): NodeApiError {
	return heyGenApiError(context.getNode(), CANCELLED_MESSAGE, `${what} was stopped.`, {
		itemIndex,
	});
}

/** What a request is, for its messages, and what else may stop it. */
export interface RequestContext {
	label: string;
	target: string;
	itemIndex?: number;
	/** Another reason to stop (e.g. a sibling download failed); the run's own cancel signal always counts. */
	signal?: AbortSignal;
	/** A file moved to or from a file host: its time is its size, so the limiter does not time it. */
	transfer?: boolean;
}

/** The signals that stop a request: its own, another item's failure, the run's cancellation. */
function stopSignals(context: HeyGenContext, what: RequestContext): AbortSignal[] {
	const signals: AbortSignal[] = [];
	if (what.itemIndex !== undefined) signals.push(runShared(context).signalFor(what.itemIndex));
	const run = cancelSignal(context);
	if (run) signals.push(run);
	if (what.signal) signals.push(what.signal);
	return signals;
}

/** The run's cancel signal, joined with the request's own and the run's stop for a failed item. */
export function stopSignal(context: HeyGenContext, what: RequestContext): AbortSignal {
	return AbortSignal.any(stopSignals(context, what));
}

/** The error for a request stopped by the run's cancellation, or by another reason to stop. */
export function stoppedError(context: HeyGenContext, what: RequestContext) {
	const stopped = stopSignals(context, what).find(
		(signal) => signal.aborted && signal !== cancelSignal(context),
	);
	if (cancelSignal(context)?.aborted || !stopped) {
		return cancelledError(context, `The request ${what.label}`, what.itemIndex);
	}
	const reason = stopped.reason instanceof Error ? stopped.reason.message : 'it was stopped';
	return new NodeOperationError(
		context.getNode(),
		`The request ${what.label} was stopped: ${reason}`,
		{
			itemIndex: what.itemIndex,
		},
	);
}

/** Waits before another attempt; a run stopped meanwhile ends the wait. */
export async function wait(context: HeyGenContext, ms: number, what: RequestContext) {
	const signal = stopSignal(context, what);
	try {
		await pause(ms, signal);
	} catch (error) {
		if (signal?.aborted) throw stoppedError(context, what);
		throw asNodeError(context.getNode(), error, what.itemIndex);
	}
}

/** Whether an error is the cancellation of the run, which no On Error setting may turn into an item. */
export function isCancellation(error: unknown): boolean {
	return error instanceof Error && error.message === CANCELLED_MESSAGE;
}
