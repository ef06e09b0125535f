/** HeyGen's largest page, for assets (v1 and v3) and folders alike. */
export const MAX_PAGE_SIZE = 100;

/** Pages in a row that may come back empty while still carrying a token. */
export const MAX_EMPTY_PAGES = 5;

/** One page as the API layer reads it: its items, and the token of the next page (undefined at the end). */
export interface Page<T> {
	items: T[];
	next?: string;
	/** How many items the whole list has, where HeyGen says (v1's `total`). */
	total?: number;
}

/** What a walk read. */
export interface Walked<T> {
	/** The items kept, each once, in HeyGen's order. */
	items: T[];
	/** Items HeyGen sent again (the same id on an earlier page), dropped. */
	duplicates: number;
	pages: number;
	/** The first page as HeyGen sent it, before `keep`. */
	firstPage: T[];
	/** Whether every page carried HeyGen's `total` (v1 does). */
	totals: boolean;
	/** Whether HeyGen's `total` differed between pages: the list changed while it was read. */
	totalChanged: boolean;
}

/** The ids of the items, in order, for comparing two reads of a page. */
export function sameIds<T>(a: T[], b: T[], idOf: (item: T) => string): boolean {
	return a.length === b.length && a.every((item, index) => idOf(item) === idOf(b[index]));
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

/**
 * Reads pages until the walk says stop, each page once, and returns the items kept in HeyGen's order,
 * each id once. `fetchPage` asks HeyGen for one page; `fail` makes the error for a walk that would
 * never end.
 */
export async function walkPages<T>(
	fetchPage: (token: string | undefined, size: number, keptSoFar: number) => Promise<Page<T>>,
	walk: PageWalk<T>,
	fail: (reason: 'repeatedToken' | 'emptyPages', keptSoFar: number) => Error,
): Promise<Walked<T>> {
	const kept: T[] = [];
	const keptIds = new Set<string>();
	const seenTokens = new Set<string>();
	let token: string | undefined;
	let emptyPagesInARow = 0;
	let duplicates = 0;
	let pages = 0;
	let firstPage: T[] = [];
	let firstTotal: number | undefined;
	let totalChanged = false;
	const isNew = (item: T) => {
		if (!walk.idOf) return true;
		const id = walk.idOf(item);
		if (keptIds.has(id)) {
			duplicates += 1;
			return false;
		}
		keptIds.add(id);
		return true;
	};
	for (;;) {
		const page = await fetchPage(
			token,
			pageSize(walk.limit, kept.length, walk.keep !== undefined),
			kept.length,
		);
		pages += 1;
		if (pages === 1) {
			firstPage = page.items;
			firstTotal = page.total;
		} else if (page.total !== firstTotal) {
			totalChanged = true;
		}
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
			return {
				items: kept,
				duplicates,
				pages,
				firstPage,
				totals: firstTotal !== undefined,
				totalChanged,
			};
		}
		if (step.action === 'fail') throw fail(step.reason, kept.length);
		emptyPagesInARow = page.items.length === 0 ? emptyPagesInARow + 1 : 0;
		seenTokens.add(step.token);
		token = step.token;
	}
}
