import * as workflowHelpers from 'n8n-workflow';

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
