/** The decisions of the page walk, as pure functions. */

import { MAX_EMPTY_PAGES, MAX_PAGE_SIZE, nextStep, pageSize } from '../nodes/HeyGen/helpers/paging';

describe('page size', () => {
	it('asks for what is missing, at most a page, and full pages when the node filters', () => {
		expect(pageSize(undefined, 0, false)).toBe(MAX_PAGE_SIZE);
		expect(pageSize(150, 100, false)).toBe(50);
		expect(pageSize(7, 0, false)).toBe(7);
		expect(pageSize(7, 0, true)).toBe(MAX_PAGE_SIZE);
	});
});

describe('next step after a page', () => {
	const state = { token: 't1', seenTokens: new Set(['t1']), emptyPagesInARow: 0, kept: 10 };

	it('stops at the limit, at the end, or when the caller has enough', () => {
		expect(nextStep(state, { count: 10, next: 't2' }, 10, true)).toEqual({ action: 'stop' });
		expect(nextStep(state, { count: 10 }, undefined, true)).toEqual({ action: 'stop' });
		expect(nextStep(state, { count: 10, next: 't2' }, undefined, false)).toEqual({
			action: 'stop',
		});
	});

	it('goes on with a new token', () => {
		expect(nextStep(state, { count: 10, next: 't2' }, 11, true)).toEqual({
			action: 'next',
			token: 't2',
		});
	});

	it('fails on a token seen before, and on too many empty pages', () => {
		expect(nextStep(state, { count: 10, next: 't1' }, undefined, true)).toEqual({
			action: 'fail',
			reason: 'repeatedToken',
		});
		const empty = { ...state, emptyPagesInARow: MAX_EMPTY_PAGES - 1 };
		expect(nextStep(empty, { count: 0, next: 't9' }, undefined, true)).toEqual({
			action: 'fail',
			reason: 'emptyPages',
		});
		expect(nextStep(empty, { count: 1, next: 't9' }, undefined, true)).toEqual({
			action: 'next',
			token: 't9',
		});
	});
});
