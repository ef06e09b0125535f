/**
 * Runs fn over items with at most `limit` at once, results in input order. The first failure wins:
 * the signal given to the others is aborted at once, no new item is started, and that failure is
 * thrown.
 */
export async function mapWithConcurrency<T, R>(
	items: T[],
	limit: number,
	fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
	options: { stopReason?: (index: number) => string } = {},
): Promise<R[]> {
	const stop = new AbortController();
	const stopReason = options.stopReason ?? (() => 'another one failed');
	const results = new Array<R>(items.length);
	let next = 0;
	let failure: { error: unknown } | undefined;
	const worker = async () => {
		while (failure === undefined && next < items.length) {
			const index = next++;
			try {
				results[index] = await fn(items[index], index, stop.signal);
			} catch (error) {
				if (failure === undefined) {
					failure = { error };
					stop.abort(new Error(stopReason(index)));
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	if (failure) throw failure.error;
	return results;
}
