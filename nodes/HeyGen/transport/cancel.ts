import * as workflowHelpers from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { HeyGenContext } from './context';
import { asNodeError, heyGenApiError } from './errors';

export const CANCELLED_MESSAGE = 'The execution was cancelled';

export function cancelSignal(context: HeyGenContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
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
}

/** The run's cancel signal, joined with the request's own where it has one. */
export function stopSignal(context: HeyGenContext, what: RequestContext): AbortSignal | undefined {
	const run = cancelSignal(context);
	if (!what.signal) return run;
	return run ? AbortSignal.any([run, what.signal]) : what.signal;
}

/** The error for a request stopped by the run's cancellation, or by its own signal. */
export function stoppedError(context: HeyGenContext, what: RequestContext) {
	if (cancelSignal(context)?.aborted || !what.signal?.aborted) {
		return cancelledError(context, `The request ${what.label}`, what.itemIndex);
	}
	const reason =
		what.signal.reason instanceof Error ? what.signal.reason.message : 'it was stopped';
	return new NodeOperationError(
		context.getNode(),
		`The request ${what.label} was stopped: ${reason}`,
		{
			itemIndex: what.itemIndex,
		},
	);
}

/**
 * n8n-workflow's abortable sleep: `sleep(ms, signal)` in n8n 2.x; n8n 1.x's `sleep` ignores a signal
 * and has `sleepWithAbort` for that, so that is taken where it exists.
 */
const sleepHelpers = workflowHelpers as unknown as Record<string, unknown>;
const abortableSleep = (
	typeof sleepHelpers.sleepWithAbort === 'function'
		? sleepHelpers.sleepWithAbort
		: workflowHelpers.sleep
) as (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or rejects at once when `signal` aborts (on n8n 1.x and 2.x alike). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	await abortableSleep(ms, signal);
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
