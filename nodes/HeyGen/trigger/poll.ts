/**
 * One poll of the HeyGen Trigger's New Asset event: read from HeyGen what the saved position
 * (cursor.ts) needs, emit what is new, save the new position in the node's static data.
 */

import {
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
	NodeApiError,
} from 'n8n-workflow';

import { pollParameters, readListingOptions, readLookBackMinutes } from '../actions/parameters';
import {
	type ApiVersion,
	assetTs,
	type ListingOptions,
	listAssets,
	ownerUsername,
	v1RetiredNotice,
	walkAssets,
} from '../api';
import { accountFingerprint } from '../execution';
import { asNodeError } from '../helpers';
import { serverNowSeconds } from '../transport';
import {
	beginPoll,
	type CursorState,
	endPoll,
	fromTheFront,
	type PollRead,
	type PollStart,
	positionQuery,
	readDownToOf,
	reachedBack,
} from './cursor';
import { UnsavedPositions } from './unsaved';

/** n8n's time for a poll where the n8n version does not say (its own default). */
const DEFAULT_POLL_BUDGET_MS = 5 * 60 * 1000;

/** When n8n's time for this poll is up (ms since the epoch). */
export function pollDeadline(context: IPollFunctions): number {
	const budget =
		typeof context.getPollBudgetMs === 'function'
			? context.getPollBudgetMs()
			: DEFAULT_POLL_BUDGET_MS;
	return Date.now() + budget;
}

const asCursorAsset = (asset: IDataObject) => ({ id: String(asset.id), ts: assetTs(asset), asset });
type PolledAsset = ReturnType<typeof asCursorAsset>;

const unsavedPositions = new UnsavedPositions<CursorState>();

/** What the saved position belongs to: the account behind the credential, and the query as HeyGen runs it. */
async function queryOf(context: IPollFunctions, options: ListingOptions): Promise<string> {
	return positionQuery({
		account: await accountFingerprint(context),
		apiVersion: options.apiVersion,
		owner:
			options.apiVersion === 'v3' ? await ownerUsername.call(context, options.ownerUsername) : '',
		fileType: options.fileType,
		folderId: options.folderId,
	});
}

interface PollLimits {
	windowSeconds: number;
	/** When n8n's time for this poll is up (ms since the epoch). */
	deadline: number;
}

/**
 * Reads what one poll needs: from the front (or a backlog's token) until a page reaches back past
 * the window (every asset's time counts, also those a filter in the node drops), or until n8n's
 * time for a poll is up.
 */
async function readPoll(
	context: IPollFunctions,
	options: ListingOptions,
	start: PollStart,
	limits: PollLimits,
): Promise<PollRead<PolledAsset> & { readDownTo?: number }> {
	let readDownTo: number | undefined;
	let newestTs = -Infinity;
	let outOfTime = false;
	const from = start.kind === 'continue' ? start.from : undefined;
	const fromApi = start.kind === 'continue' ? asApiVersion(start.fromApi) : undefined;
	// A backlog's token the list cannot take (v1's, after the retirement): read from the front to the
	// backlog's mark whatever the time, as for a refused token, or the backlog would never drain.
	let deadline = limits.deadline;
	const walk = {
		from,
		fromApi,
		onFromDropped: () => {
			deadline = Infinity;
		},
		keepGoing: (_kept: IDataObject[], page: IDataObject[]) => {
			const times = page.map(asCursorAsset);
			for (const { ts } of times) newestTs = Math.max(newestTs, ts);
			readDownTo ??= readDownToOf(start, times, limits.windowSeconds, serverNowSeconds(context));
			if (reachedBack(times, readDownTo)) return false;
			// A first activation reads its whole window: what it does not see it could not tell from new.
			outOfTime = start.kind === 'continue' && Date.now() >= deadline;
			return !outOfTime;
		},
	};
	const walked = await walkAssets.call(context, options, walk, undefined, (error, username) =>
		warnOnce(context, v1RetiredNotice(error, username)),
	);
	const stoppedAt = outOfTime ? walked.next : undefined;
	const stoppedOn =
		stoppedAt !== undefined && walked.listedWith !== options.apiVersion
			? walked.listedWith
			: undefined;
	return { assets: walked.items.map(asCursorAsset), newestTs, stoppedAt, stoppedOn, readDownTo };
}

const asApiVersion = (value: string | undefined): ApiVersion | undefined =>
	value === 'v1' || value === 'v3' ? value : undefined;

/** Triggers (workflow and node) told in this process that v1 is retired: a poll a minute must not fill the log. */
const warnedTriggers = new Set<string>();

/** Polls have no execution hints: the notice goes to n8n's log, once per trigger and process. */
function warnOnce(context: IPollFunctions, message: string) {
	const key = `${context.getWorkflow().id ?? ''}\n${context.getNode().id}`;
	if (warnedTriggers.has(key)) return;
	warnedTriggers.add(key);
	context.logger.warn(message);
}

/** readPoll, and where HeyGen refuses a backlog's saved token (expired), the same poll from the front. */
async function readPollOrFront(
	context: IPollFunctions,
	options: ListingOptions,
	start: PollStart,
	limits: PollLimits,
): Promise<{ start: PollStart; read: Awaited<ReturnType<typeof readPoll>> }> {
	try {
		return { start, read: await readPoll(context, options, start, limits) };
	} catch (error) {
		const refused = error instanceof NodeApiError && error.httpCode === '400';
		if (!refused || start.kind !== 'continue' || start.from === undefined)
			throw asNodeError(context.getNode(), error);
		context.logger.debug(
			'HeyGen refused the saved page token of a backlog; reading from the front',
		);
		// Read from the front to where the backlog was, whatever the time: with tokens that expire
		// between polls, a backlog cut short again would never drain.
		const front = fromTheFront(start);
		const unbounded = { ...limits, deadline: Infinity };
		return { start: front, read: await readPoll(context, options, front, unbounded) };
	}
}

/** One poll: the newest asset in a manual run; else the assets new since the saved position, each once. */
export async function pollNewAssets(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const parameters = pollParameters(this);
	const options = readListingOptions(parameters);
	const windowSeconds = readLookBackMinutes(parameters) * 60;

	if (this.getMode() === 'manual') {
		// A test run shows the shape: the newest asset, whatever was seen before.
		const [newest] = await listAssets.call(
			this,
			options,
			{ limit: 1 },
			undefined,
			(error, username) => warnOnce(this, v1RetiredNotice(error, username)),
		);
		return newest ? [[{ json: newest }]] : null;
	}

	const staticData = this.getWorkflowStaticData('node');
	const query = await queryOf(this, options);
	const positionKey = JSON.stringify([this.getWorkflow().id, this.getNode().id, query]);
	let start = beginPoll(staticData.cursor, query, windowSeconds);
	// Only where n8n kept nothing at all: a saved position of another query (the user switched the
	// account or a filter and back) must not bring back a position from before.
	const keptNothing = Object.keys(staticData).length === 0;
	const unsaved = keptNothing ? unsavedPositions.peek(positionKey) : undefined;
	const fromUnsaved = start.kind === 'baseline' && unsaved !== undefined;
	if (fromUnsaved) start = beginPoll(unsaved, query, windowSeconds);
	const limits = { windowSeconds, deadline: pollDeadline(this) };
	const polled = await readPollOrFront(this, options, start, limits);
	const nowTs = serverNowSeconds(this);
	start = polled.start;
	const { read } = polled;
	const { state, emit } = endPoll(start, read, {
		query,
		windowSeconds,
		readDownTo: read.readDownTo ?? readDownToOf(start, read.assets, windowSeconds, nowTs),
		nowTs,
	});
	for (const key of Object.keys(staticData)) delete staticData[key];
	staticData.cursor = state as unknown as IDataObject;
	// An activation's position is kept in memory until a scheduled poll that started from it succeeds.
	if (start.kind === 'baseline') unsavedPositions.keep(positionKey, state);
	else if (fromUnsaved) unsavedPositions.forget(positionKey);
	if (emit.length === 0) return null;
	return [emit.map(({ asset }) => ({ json: asset }))];
}
