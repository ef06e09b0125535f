/** HeyGen's largest page, for assets (v1 and v3) and folders alike. */
export const MAX_PAGE_SIZE = 100;

/** Pages in a row that may come back empty while still carrying a token. */
export const MAX_EMPTY_PAGES = 5;

/** One page as the API layer reads it: its items, and the token of the next page (undefined at the end). */
export interface Page<T> {
	items: T[];
	next?: string;
}

/** What a walk read. */
export interface Walked<T> {
	/** The items kept, each once, in HeyGen's order. */
	items: T[];
	/** Items HeyGen sent again (the same id on an earlier page), dropped. */
	duplicates: number;
	/** Items newer than the last item of the page before: the list shifted between two pages. */
	outOfOrder: number;
	pages: number;
	/** The token of the page after the last one read, where the walk stopped before the end. */
	next?: string;
}

export interface PageWalk<T> {
	/** Items wanted; undefined for all of them. Counted after `keep`. */
	limit?: number;
	/** Which items of a page count (a filter HeyGen cannot apply itself). Default: all. */
	keep?: (item: T) => boolean;
	/** Called after each page with what has been kept so far and the whole page; false stops the walk. */
	keepGoing?: (kept: T[], page: T[]) => boolean;
	/** An item's identity: an item whose id was already kept is not kept again. */
	idOf?: (item: T) => string;
	/** Whether `a` comes before `b` in HeyGen's order (newest first), to notice a list that shifted. */
	isBefore?: (a: T, b: T) => boolean;
	/** A token from an earlier walk to start at; undefined for the front of the list. */
	from?: string;
}

/** Where a walk is between two pages. */
export interface WalkState {
	/** The token the last page was asked with (undefined for the first page). */
	token?: string;
	seenTokens: ReadonlySet<string>;
	emptyPagesInARow: number;
	kept: number;
}

export type PagingStep =
	| { action: 'stop' }
	| { action: 'next'; token: string }
	| { action: 'fail'; reason: 'repeatedToken' | 'emptyPages' };

/**
 * How many items to ask for next: the ones still missing, at most a full page. When a filter in
 * the node decides what counts, a page's size says nothing about how many will be kept: ask for full pages.
 */
export function pageSize(limit: number | undefined, kept: number, filteredInNode: boolean): number {
	if (limit === undefined || filteredInNode) return MAX_PAGE_SIZE;
	return Math.max(1, Math.min(MAX_PAGE_SIZE, limit - kept));
}

/**
 * What to do after a page. Stops at the limit, at the end, or when the caller has seen enough;
 * a token that was already used, or too many empty pages in a row, would page forever: fail.
 */
export function nextStep(
	state: WalkState,
	page: { count: number; next?: string },
	limit: number | undefined,
	callerWantsMore: boolean,
): PagingStep {
	if (limit !== undefined && state.kept >= limit) return { action: 'stop' };
	if (page.next === undefined) return { action: 'stop' };
	if (!callerWantsMore) return { action: 'stop' };
	if (page.next === state.token || state.seenTokens.has(page.next))
		return { action: 'fail', reason: 'repeatedToken' };
	const emptyPagesInARow = page.count === 0 ? state.emptyPagesInARow + 1 : 0;
	if (emptyPagesInARow >= MAX_EMPTY_PAGES) return { action: 'fail', reason: 'emptyPages' };
	return { action: 'next', token: page.next };
}

/** The ids kept so far, and how many items were sent again. */
function idFilter<T>(idOf: ((item: T) => string) | undefined) {
	const keptIds = new Set<string>();
	const counts = { duplicates: 0 };
	const isNew = (item: T) => {
		if (!idOf) return true;
		const id = idOf(item);
		if (keptIds.has(id)) {
			counts.duplicates += 1;
			return false;
		}
		keptIds.add(id);
		return true;
	};
	return { isNew, counts };
}

/** How many items of a page come before the last item of the page before it, in HeyGen's order. */
function countOutOfOrder<T>(previous: T | undefined, page: T[], walk: PageWalk<T>): number {
	const { isBefore } = walk;
	if (!isBefore || previous === undefined) return 0;
	return page.filter((item) => isBefore(item, previous)).length;
}

/**
 * Reads pages until the walk says stop, each page once, and returns the items kept in HeyGen's order,
 * each id once: an item sent again because the list shifted under an offset-like token is dropped
 * here, from what the pages before held, without reading anything again. `fetchPage` asks HeyGen for
 * one page; `fail` makes the error for a walk that would never end.
 */
export async function walkPages<T>(
	fetchPage: (token: string | undefined, size: number, keptSoFar: number) => Promise<Page<T>>,
	walk: PageWalk<T>,
	fail: (reason: 'repeatedToken' | 'emptyPages', keptSoFar: number) => Error,
): Promise<Walked<T>> {
	const kept: T[] = [];
	const { isNew, counts } = idFilter(walk.idOf);
	const seenTokens = new Set<string>(walk.from === undefined ? [] : [walk.from]);
	let token = walk.from;
	let emptyPagesInARow = 0;
	let outOfOrder = 0;
	let pages = 0;
	let last: T | undefined;
	for (;;) {
		// After a page that sent items again (the list shifted), a page of exactly the missing count
		// could be all repeats, again and again: ask for full pages from then on.
		const shifted = counts.duplicates > 0;
		const page = await fetchPage(
			token,
			pageSize(walk.limit, kept.length, walk.keep !== undefined || shifted),
			kept.length,
		);
		pages += 1;
		outOfOrder += countOutOfOrder(last, page.items, walk);
		last = page.items[page.items.length - 1] ?? last;
		const wanted = (walk.keep ? page.items.filter(walk.keep) : page.items).filter(isNew);
		const missing = walk.limit === undefined ? wanted.length : walk.limit - kept.length;
		kept.push(...wanted.slice(0, missing));
		const callerWantsMore = walk.keepGoing ? walk.keepGoing(kept, page.items) : true;
		const step = nextStep(
			{ token, seenTokens, emptyPagesInARow, kept: kept.length },
			{ count: page.items.length, next: page.next },
			walk.limit,
			callerWantsMore,
		);
		if (step.action === 'stop') {
			return { items: kept, duplicates: counts.duplicates, outOfOrder, pages, next: page.next };
		}
		if (step.action === 'fail') throw fail(step.reason, kept.length);
		emptyPagesInARow = page.items.length === 0 ? emptyPagesInARow + 1 : 0;
		seenTokens.add(step.token);
		token = step.token;
	}
}
