/**
 * The video events' position (trigger/videoCursor.ts): each render that finishes after activation
 * comes out once, renders running at activation included, renders finished before never; the state
 * stays bounded.
 */
import {
	ACTIVATION_LOOK_BACK_SECONDS,
	afterFront,
	afterStatuses,
	FRONT_WINDOW_SECONDS,
	frontMark,
	MAX_FRONT,
	MAX_WATCHED,
	reachedMark,
	readFarEnough,
	savedState,
} from '../nodes/HeyGen/trigger/videoCursor';

const NOW = 1_800_000_000;
const QUERY = '["account","videoCompleted"]';
const video = (id: string, createdAt: number, status: string) => ({ id, createdAt, status });
const ids = (videos: Array<{ id: string }>) => videos.map((v) => v.id);

it('activation emits nothing, watches the renders still running, and reads a week back', () => {
	expect(frontMark(undefined, NOW)).toBe(NOW - ACTIVATION_LOOK_BACK_SECONDS);
	const read = [
		video('running', NOW - 60, 'processing'),
		video('queued', NOW - 120, 'pending'),
		video('done', NOW - 180, 'completed'),
		video('broken', NOW - 240, 'failed'),
	];
	const { state, finished, toAsk } = afterFront(undefined, read, { query: QUERY, nowTs: NOW });
	expect(finished).toEqual([]);
	expect(toAsk).toEqual([]);
	expect(Object.keys(state.watching).sort()).toEqual(['queued', 'running']);
	expect(state.newestTs).toBe(NOW - 60);
});

it('a new render finished by the next poll is emitted once; one still running is watched, then emitted from its status', () => {
	const start = afterFront(undefined, [video('old', NOW - 100, 'completed')], {
		query: QUERY,
		nowTs: NOW,
	}).state;
	const first = afterFront(
		start,
		[
			video('quick', NOW + 50, 'completed'),
			video('slow', NOW + 40, 'processing'),
			video('old', NOW - 100, 'completed'),
		],
		{ query: QUERY, nowTs: NOW + 60 },
	);
	expect(ids(first.finished)).toEqual(['quick']);
	expect(Object.keys(first.state.watching)).toEqual(['slow']);
	// The next poll's front still shows 'slow', now completed: it comes out, once.
	const second = afterFront(
		first.state,
		[video('quick', NOW + 50, 'completed'), video('slow', NOW + 40, 'completed')],
		{ query: QUERY, nowTs: NOW + 120 },
	);
	expect(ids(second.finished)).toEqual(['slow']);
	expect(second.state.watching).toEqual({});
	const third = afterFront(
		second.state,
		[video('quick', NOW + 50, 'completed'), video('slow', NOW + 40, 'completed')],
		{
			query: QUERY,
			nowTs: NOW + 180,
		},
	);
	expect(third.finished).toEqual([]);
});

it('a watched render the front no longer shows is asked for; finished or unknown, it leaves the watch list', () => {
	const start = afterFront(
		undefined,
		[video('a', NOW - 10, 'processing'), video('b', NOW - 20, 'pending')],
		{
			query: QUERY,
			nowTs: NOW,
		},
	).state;
	const front = afterFront(start, [], { query: QUERY, nowTs: NOW + 60 });
	expect(front.toAsk.sort()).toEqual(['a', 'b']);
	const statuses = new Map([
		['a', 'completed'],
		['b', 'not_found'],
	]);
	const { state, finished } = afterStatuses(front.state, statuses);
	expect(finished).toEqual([{ id: 'a', status: 'completed', createdAt: NOW - 10 }]);
	expect(state.watching).toEqual({});
	// Asked again with the same answers, nothing comes out twice.
	expect(afterStatuses(state, statuses).finished).toEqual([]);
});

it('a render that started in the same second as the newest seen, or a page shifted by a new render, is not new twice', () => {
	const start = afterFront(undefined, [video('a', NOW, 'completed')], {
		query: QUERY,
		nowTs: NOW,
	}).state;
	const next = afterFront(start, [video('b', NOW, 'completed'), video('a', NOW, 'completed')], {
		query: QUERY,
		nowTs: NOW + 1,
	});
	expect(ids(next.finished)).toEqual(['b']);
	const again = afterFront(
		next.state,
		[video('b', NOW, 'completed'), video('a', NOW, 'completed')],
		{
			query: QUERY,
			nowTs: NOW + 2,
		},
	);
	expect(again.finished).toEqual([]);
});

it('reading stops at a page that reaches below the newest seen less the window', () => {
	const state = afterFront(undefined, [video('a', NOW, 'completed')], {
		query: QUERY,
		nowTs: NOW,
	}).state;
	const mark = frontMark(state, NOW);
	expect(mark).toBe(NOW - FRONT_WINDOW_SECONDS);
	expect(reachedMark([video('x', NOW - 5, 'completed')], mark)).toBe(false);
	expect(reachedMark([video('x', mark - 1, 'completed')], mark)).toBe(true);
});

it('the state stays bounded: the front only within its window, the watch list at most MAX_WATCHED', () => {
	const many = Array.from({ length: MAX_WATCHED + 50 }, (_, i) =>
		video(`r${i}`, NOW - i, 'processing'),
	);
	const { state } = afterFront(undefined, many, { query: QUERY, nowTs: NOW });
	expect(Object.keys(state.watching)).toHaveLength(MAX_WATCHED);
	expect(state.watching.r0).toBe(NOW);
	expect(
		Object.values(state.front).every((ts) => ts >= state.newestTs - FRONT_WINDOW_SECONDS),
	).toBe(true);
});

it('a state of another account or event is not taken: the trigger starts afresh', () => {
	const state = afterFront(undefined, [], { query: QUERY, nowTs: NOW }).state;
	expect(savedState(state, QUERY)).toBe(state);
	expect(savedState(state, '["other","videoCompleted"]')).toBeUndefined();
	expect(savedState({ v: 3 }, QUERY)).toBeUndefined();
});

it('a video dated in the future does not move the newest past the poll’s clock', () => {
	const { state } = afterFront(undefined, [video('f', NOW + 3600, 'completed')], {
		query: QUERY,
		nowTs: NOW,
	});
	expect(state.newestTs).toBe(NOW);
});

it('the front read stops at a page holding a render seen before that started before the newest seen', () => {
	const state = afterFront(
		undefined,
		[video('new', NOW, 'completed'), video('old', NOW - 5, 'completed')],
		{ query: QUERY, nowTs: NOW },
	).state;
	const mark = frontMark(state, NOW);
	// Only unseen renders, or the newest seen one alone (a render of the same second may sort below it).
	expect(
		readFarEnough([video('x', NOW + 9, 'pending'), video('new', NOW, 'completed')], state, mark),
	).toBe(false);
	expect(
		readFarEnough(
			[video('x', NOW + 9, 'pending'), video('old', NOW - 5, 'completed')],
			state,
			mark,
		),
	).toBe(true);
	// At activation: down to the mark.
	expect(readFarEnough([video('old', NOW - 5, 'completed')], undefined, NOW - 10)).toBe(false);
});

it(`a burst of more than ${MAX_FRONT} renders: each emitted once, also when a poll reads down to those the front let go (the newer ones deleted)`, () => {
	const activation = afterFront(undefined, [], { query: QUERY, nowTs: NOW });
	// Renders started four a second after activation, all finished by the next poll.
	const burst = Array.from({ length: MAX_FRONT + 100 }, (_, i) =>
		video(`v${String(i).padStart(5, '0')}`, NOW + 400 - Math.floor(i / 4), 'completed'),
	);
	const first = afterFront(activation.state, burst, { query: QUERY, nowTs: NOW + 500 });
	expect(first.finished).toHaveLength(burst.length);
	expect(Object.keys(first.state.front)).toHaveLength(MAX_FRONT);
	// Backed up, then the newest MAX_FRONT deleted: the list now starts with the renders let go.
	const second = afterFront(first.state, burst.slice(MAX_FRONT), {
		query: QUERY,
		nowTs: NOW + 560,
	});
	expect(ids(second.finished)).toEqual([]);
	// A render that starts after the burst is still new.
	const later = afterFront(second.state, [video('later', NOW + 600, 'completed')], {
		query: QUERY,
		nowTs: NOW + 620,
	});
	expect(ids(later.finished)).toEqual(['later']);
});

it('the floor of a burst goes once the window has moved past it (the state stays small)', () => {
	const activation = afterFront(undefined, [], { query: QUERY, nowTs: NOW });
	const burst = Array.from({ length: MAX_FRONT + 10 }, (_, i) =>
		video(`v${i}`, NOW + 100 - Math.floor(i / 10), 'completed'),
	);
	const first = afterFront(activation.state, burst, { query: QUERY, nowTs: NOW + 200 });
	expect(first.state.frontFloorTs).toBeDefined();
	const later = afterFront(
		first.state,
		[video('much-later', NOW + 100 + 2 * FRONT_WINDOW_SECONDS, 'completed')],
		{ query: QUERY, nowTs: NOW + 200 + 2 * FRONT_WINDOW_SECONDS },
	);
	expect(later.state.frontFloorTs).toBeUndefined();
	expect(Object.keys(later.state.front)).toEqual(['much-later']);
});
