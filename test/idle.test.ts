/**
 * The idle timeout of a file transfer, as logic: how long is left, and a watch whose signal aborts
 * only once nothing moved for the whole timeout. Also the view of a context that makes n8n's
 * authenticated request stop on a request's own signal (n8n replaces a request's abortSignal).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	idleLeftMs,
	inMemoryGraceMs,
	stalledError,
	TRANSFER_POLICY,
	watchProgress,
} from '../nodes/HeyGen/transport/idle';
import { stoppingOn } from '../nodes/HeyGen/execution/cancel';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('idleLeftMs', () => {
	it.each([
		[1000, 1000, 500, 500],
		[1000, 1400, 500, 100],
		[1000, 1500, 500, 0],
		[1000, 2000, 500, -500],
	])('bytes last moved at %d, now %d, idle %d: %d ms left', (movedAt, now, idle, left) => {
		expect(idleLeftMs(movedAt, now, idle)).toBe(left);
	});
});

describe('watchProgress', () => {
	it('does not abort while bytes keep moving, however long the transfer takes', async () => {
		const watch = watchProgress(200);
		for (let step = 0; step < 15; step += 1) {
			await sleep(40);
			watch.moved();
		}
		expect(watch.signal.aborted).toBe(false);
		watch.stop();
	});

	it('aborts once nothing moved for the idle timeout, and says it stalled', async () => {
		const watch = watchProgress(150);
		watch.moved();
		await new Promise((resolve) => watch.signal.addEventListener('abort', resolve));
		expect(watch.stalled).toBe(true);
		watch.stop();
	});

	it('a grace (a body sent unseen) holds the idle clock back that much longer', async () => {
		const watch = watchProgress(100);
		watch.moved(300);
		await sleep(250);
		expect(watch.signal.aborted).toBe(false);
		// A later move without grace does not cut the grace short.
		watch.moved();
		await sleep(100);
		expect(watch.signal.aborted).toBe(false);
		await new Promise((resolve) => watch.signal.addEventListener('abort', resolve));
		watch.stop();
	});

	it('stopped, it never aborts', async () => {
		const watch = watchProgress(50);
		watch.stop();
		await sleep(120);
		expect(watch.signal.aborted).toBe(false);
	});
});

it('an in-memory body gets the time it takes at the slowest link named', () => {
	expect(inMemoryGraceMs(TRANSFER_POLICY.inMemoryBytesPerSecond * 3)).toBe(3000);
});

it('a stall fails as a network timeout that names the idle timeout', () => {
	const error = stalledError(120_000);
	expect(error.code).toBe('ETIMEDOUT');
	expect(error.message).toMatch(/^Nothing moved for 120 s \(the idle timeout of a file transfer/);
});

describe('stoppingOn', () => {
	const run = new AbortController();
	const context = {
		getExecutionCancelSignal: () => run.signal,
		getNode: () => ({ name: 'HeyGen' }),
	} as unknown as IExecuteFunctions;

	it("gives n8n's request helper the request's signal, and the context's own everything else", () => {
		const own = new AbortController();
		const view = stoppingOn(context, own.signal);
		expect(view.getExecutionCancelSignal()).toBe(own.signal);
		expect(view.getNode()).toEqual({ name: 'HeyGen' });
		expect(context.getExecutionCancelSignal()).toBe(run.signal);
	});

	it('a context without a cancel signal (a poll) is used as it is', () => {
		const poll = { getNode: () => ({}) } as unknown as IExecuteFunctions;
		expect(stoppingOn(poll, new AbortController().signal)).toBe(poll);
	});
});
