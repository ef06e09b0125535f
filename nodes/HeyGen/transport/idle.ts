import { pause } from '../execution';

/**
 * How long a file transfer may go without a byte moving before it is given up (and retried). A
 * transfer has no limit on its whole time: a large file on a slow link takes as long as it takes.
 * Exported so that the README and the tests speak of the same number (the tests shorten it).
 */
export const TRANSFER_POLICY = {
	idleTimeoutMs: 120_000,
	/**
	 * A body n8n holds in memory (a Buffer) is handed to the socket at once, so its bytes cannot be
	 * seen leaving: it gets the time it would take at this rate (256 kbit/s) before the idle clock runs.
	 */
	inMemoryBytesPerSecond: 32_000,
};

/**
 * A transfer's `timeout` for n8n's request helpers: none. Not undefined, which takes axios's default
 * (n8n sets it to 5 min), and axios times a request without redirects from its start to the answer.
 */
export const NO_WHOLE_REQUEST_LIMIT = 0;

/** The network code a stalled transfer fails with, so that it is retried as a timeout is. */
export const STALLED_CODE = 'ETIMEDOUT';

/**
 * Milliseconds left before a transfer whose bytes last moved at `lastMovedAt` counts as stalled;
 * zero or less when it does.
 */
export function idleLeftMs(lastMovedAt: number, now: number, idleMs: number): number {
	return lastMovedAt + idleMs - now;
}

/** What a transfer tells its watch, and what the watch tells it. */
export interface TransferProgress {
	/** Aborts when nothing moved for the idle timeout. */
	signal: AbortSignal;
	/** Bytes moved; `graceMs` more may pass before the idle clock runs again (a body sent unseen). */
	moved(graceMs?: number): void;
}

interface ProgressWatch extends TransferProgress {
	readonly stalled: boolean;
	stop(): void;
}

/** Watches one attempt of a transfer: its signal aborts once `idleMs` pass with nothing moved. */
export function watchProgress(idleMs: number, clock: () => number = Date.now): ProgressWatch {
	const stalled = new AbortController();
	const stopped = new AbortController();
	let lastMovedAt = clock();
	const watch = async () => {
		for (;;) {
			const left = idleLeftMs(lastMovedAt, clock(), idleMs);
			if (left <= 0) return stalled.abort(new Error('the transfer stalled'));
			// Wakes at the deadline only, not at each chunk: a chunk moves the deadline, not the timer.
			await pause(left, stopped.signal);
		}
	};
	watch().catch(() => undefined /* stopped: the attempt has ended */);
	return {
		signal: stalled.signal,
		moved: (graceMs = 0) => {
			lastMovedAt = Math.max(lastMovedAt, clock() + graceMs);
		},
		get stalled() {
			return stalled.signal.aborted;
		},
		stop: () => stopped.abort(),
	};
}

/** The failure of an attempt that stalled: a network timeout, retried as one, that says which. */
export function stalledError(idleMs: number): Error & { code: string } {
	return Object.assign(
		new Error(
			`Nothing moved for ${idleMs / 1000} s (the idle timeout of a file transfer; a slow link is fine as long as bytes keep moving)`,
		),
		{ code: STALLED_CODE },
	);
}

/**
 * Runs one attempt of a file transfer under its idle timeout: `attempt` stops on `signal` (the run's
 * stop) or when nothing moved for TRANSFER_POLICY.idleTimeoutMs, and a stall fails as stalledError.
 */
export async function withIdleTimeout<T>(
	signal: AbortSignal,
	attempt: (progress: TransferProgress) => Promise<T>,
): Promise<T> {
	const idleMs = TRANSFER_POLICY.idleTimeoutMs;
	const watch = watchProgress(idleMs);
	try {
		return await attempt({ signal: AbortSignal.any([signal, watch.signal]), moved: watch.moved });
	} catch (error) {
		throw watch.stalled && !signal.aborted ? stalledError(idleMs) : error;
	} finally {
		watch.stop();
	}
}

/** The grace for a body of `bytes` sent in one piece, whose progress cannot be seen. */
export function inMemoryGraceMs(bytes: number): number {
	return (bytes / TRANSFER_POLICY.inMemoryBytesPerSecond) * 1000;
}
