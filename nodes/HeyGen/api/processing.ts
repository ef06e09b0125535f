import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { wait } from '../execution';
import { heyGenContractError } from '../helpers';
import { heyGenApiRequest } from '../transport';

/** HeyGen's per-asset status list after an upload (`GET /v3/assets/statuses?asset_ids=`). */
export const STATUSES_ENDPOINT = '/v3/assets/statuses';

/**
 * How Wait for Processing polls. Exported so that the README and the tests speak of the same
 * numbers (the tests shorten the waits; nothing else changes them).
 */
export const PROCESSING_POLICY = {
	/** The first poll comes this long after complete… */
	firstDelayMs: 1000,
	/** …and each next one waits twice as long, up to this. */
	maxDelayMs: 15_000,
	/** The option's default: how long to wait for processing in all, in seconds. */
	defaultTimeoutSeconds: 600,
};

/** What to do after a status read: the asset is ready, failed, or to be polled again after `waitMs`. */
export type ProcessingStep =
	| { kind: 'done' }
	| { kind: 'failed'; status: string }
	| { kind: 'wait'; waitMs: number }
	| { kind: 'timedOut' };

/**
 * The processing wait's schedule: `completed` ends it, `failed` and `not_found` fail it, anything
 * else (`queued`, `processing`) polls again with backoff, until the time left is used up.
 */
export function nextProcessingStep(
	status: string | undefined,
	pollIndex: number,
	elapsedMs: number,
	timeoutMs: number,
): ProcessingStep {
	if (status === 'completed') return { kind: 'done' };
	if (status === 'failed' || status === 'not_found') return { kind: 'failed', status };
	const backoff = Math.min(
		PROCESSING_POLICY.firstDelayMs * 2 ** pollIndex,
		PROCESSING_POLICY.maxDelayMs,
	);
	const left = timeoutMs - elapsedMs;
	if (left <= 0) return { kind: 'timedOut' };
	return { kind: 'wait', waitMs: Math.min(backoff, left) };
}

/** One asset's status out of HeyGen's answer (a list under `data`, `data.assets` or `data.statuses`). */
export function statusOf(body: IDataObject, assetId: string): string | undefined {
	const data = body.data as IDataObject | IDataObject[] | undefined;
	const list = Array.isArray(data) ? data : (data?.assets ?? data?.statuses);
	if (!Array.isArray(list)) return undefined;
	const entry = (list as IDataObject[]).find(
		(item) => item && (item.asset_id === assetId || item.id === assetId),
	);
	return typeof entry?.status === 'string' ? entry.status : undefined;
}

async function readStatus(context: IExecuteFunctions, assetId: string, itemIndex: number) {
	const request = { endpoint: STATUSES_ENDPOINT, qs: { asset_ids: assetId }, itemIndex };
	const status = statusOf(await heyGenApiRequest.call(context, request), assetId);
	if (status === undefined) {
		throw heyGenContractError(
			context.getNode(),
			'HeyGen returned an unexpected response',
			`GET ${STATUSES_ENDPOINT} answered without a status for asset ${assetId}.`,
			200,
			itemIndex,
		);
	}
	return status;
}

/**
 * Polls the asset's status until HeyGen has processed it (Wait for Processing), with backoff and
 * within `timeoutMs`; a run stopped meanwhile ends the wait. Resolves with the final status.
 */
export async function waitForProcessing(
	this: IExecuteFunctions,
	asset: { id: string; name: string },
	timeoutMs: number,
	itemIndex: number,
): Promise<string> {
	const startedAt = Date.now();
	const what = {
		label: `waiting for HeyGen to process asset ${asset.id}`,
		target: `GET ${STATUSES_ENDPOINT}`,
		itemIndex,
	};
	for (let poll = 0; ; poll++) {
		const status = await readStatus(this, asset.id, itemIndex);
		const step = nextProcessingStep(status, poll, Date.now() - startedAt, timeoutMs);
		if (step.kind === 'done') return status;
		if (step.kind === 'wait') {
			await wait(this, step.waitMs, what);
			continue;
		}
		const message =
			step.kind === 'failed'
				? `HeyGen could not process asset ${asset.id} ("${asset.name}"): ${step.status}`
				: `HeyGen was still processing asset ${asset.id} ("${asset.name}") after ${timeoutMs / 1000} s`;
		throw heyGenContractError(
			this.getNode(),
			message,
			`The asset was uploaded; GET ${STATUSES_ENDPOINT} last said "${status}". ${
				step.kind === 'failed'
					? 'Check the file.'
					: 'Raise Processing Timeout, or wait and Get it later.'
			}`,
			200,
			itemIndex,
		);
	}
}
