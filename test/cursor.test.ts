/** The HeyGen Trigger's position, as pure functions of the saved state, the pages a poll read and its clock. */
import {
	beginPoll,
	endPoll,
	fromTheFront,
	positionQuery,
	reachedBack,
	readDownToOf,
} from '../nodes/HeyGen/trigger/cursor';

const WINDOW = 600;
const NOW = 10_000;
const QUERY = positionQuery({ account: 'acct1', apiVersion: 'v3', owner: 'jane' });
const asset = (id: string, ts: number) => ({ id, ts });
type Asset = ReturnType<typeof asset>;

/** One poll over `read` (newest first), as the trigger runs it. */
function poll(
	saved: unknown,
	read: Asset[],
	options: { stoppedAt?: string; window?: number; now?: number; newestTs?: number } = {},
) {
	const window = options.window ?? WINDOW;
	const now = options.now ?? NOW;
	const start = beginPoll(saved, QUERY, window);
	const readDownTo = readDownToOf(start, read, window, now);
	const newestTs = options.newestTs ?? Math.max(...read.map((a) => a.ts));
	return endPoll(
		start,
		{ assets: read, newestTs, stoppedAt: options.stoppedAt },
		{ query: QUERY, windowSeconds: window, readDownTo, nowTs: now },
	);
}

it('a fresh position emits nothing and remembers the window below the newest asset', () => {
	const { state, emit } = poll(undefined, [asset('c', 1000), asset('b', 700), asset('a', 300)]);
	expect(emit).toEqual([]);
	expect(state).toEqual({
		v: 3,
		query: QUERY,
		newestTs: 1000,
		seen: { c: 1000, b: 700 },
		floorTs: 400,
	});
});

it('emits what is new inside the window, oldest first, each once', () => {
	const first = poll(undefined, [asset('c', 1000), asset('b', 700)]);
	const second = poll(first.state, [
		asset('e', 1100),
		asset('d', 1050),
		asset('c', 1000),
		asset('late', 900),
		asset('b', 700),
	]);
	expect(second.emit.map((a) => a.id)).toEqual(['late', 'd', 'e']);
	const third = poll(second.state, [
		asset('e', 1100),
		asset('d', 1050),
		asset('c', 1000),
		asset('late', 900),
	]);
	expect(third.emit).toEqual([]);
});

it('forgets ids that fell out of the window, and raises the floor to there: the state stays small', () => {
	const first = poll(undefined, [asset('a', 1000)]);
	const later = poll(first.state, [asset('z', 5000), asset('a', 1000)]);
	expect(later.state.seen).toEqual({ z: 5000 });
	expect(later.state.floorTs).toBe(5000 - WINDOW);
});

it('an asset older than the floor (there before the trigger started) is never emitted', () => {
	const first = poll(undefined, [asset('b', 1000), asset('a', 100)]);
	const second = poll(first.state, [asset('b', 1000), asset('old', 390), asset('a', 100)]);
	expect(second.emit).toEqual([]);
});

it('a wider window later emits nothing that was forgotten, nor anything from before the start', () => {
	const first = poll(undefined, [asset('b', 1000), asset('a', 700)]);
	const moved = poll(first.state, [asset('c', 3000), asset('b', 1000), asset('a', 700)]);
	expect(moved.emit.map((a) => a.id)).toEqual(['c']);
	const wider = poll(moved.state, [asset('c', 3000), asset('b', 1000), asset('a', 700)], {
		window: 5000,
	});
	expect(wider.emit).toEqual([]);
	// And it reads no further back than it could emit.
	expect(beginPoll(moved.state, QUERY, 5000)).toMatchObject({ readDownTo: 3000 - WINDOW });
});

it('a narrower window forgets more, and going back to the wider one brings nothing back', () => {
	const first = poll(undefined, [asset('b', 1000)]);
	const next = poll(first.state, [asset('d', 1500), asset('c', 1200), asset('b', 1000)]);
	expect(next.emit.map((a) => a.id)).toEqual(['c', 'd']);
	const narrow = poll(next.state, [asset('d', 1500), asset('c', 1200)], { window: 60 });
	expect(narrow.state.seen).toEqual({ d: 1500 });
	const wide = poll(narrow.state, [asset('d', 1500), asset('c', 1200), asset('b', 1000)]);
	expect(wide.emit).toEqual([]);
});

it("an upload time in the future moves the position no further than the poll's clock (HeyGen's)", () => {
	const first = poll(undefined, [asset('a', 1000)], { now: 1000 });
	const skewed = poll(first.state, [asset('future', 999_999), asset('a', 1000)], { now: 1010 });
	expect(skewed.emit.map((a) => a.id)).toEqual(['future']);
	expect(skewed.state.newestTs).toBe(1010);
	const after = poll(
		skewed.state,
		[asset('future', 999_999), asset('normal', 1020), asset('a', 1000)],
		{ now: 1030 },
	);
	expect(after.emit.map((a) => a.id)).toEqual(['normal']);
	const again = poll(after.state, [asset('future', 999_999), asset('normal', 1020)], { now: 1040 });
	expect(again.emit).toEqual([]);
});

it('a fresh position over an asset from the future still reads the window below the clock', () => {
	const start = beginPoll(undefined, QUERY, WINDOW);
	const readDownTo = readDownToOf(
		start,
		[asset('future', 999_999), asset('a', 1000)],
		WINDOW,
		1000,
	);
	expect(readDownTo).toBe(1000 - WINDOW);
});

it('a poll out of time keeps its backlog (token and mark); the next goes on from the token, down to the mark', () => {
	const first = poll(undefined, [asset('a', 1000)]);
	const cut = poll(first.state, [asset('d', 3000), asset('c', 2900)], { stoppedAt: 'page-2' });
	expect(cut.emit.map((a) => a.id)).toEqual(['c', 'd']);
	// The mark of the poll that was cut: the window below the newest asset before it.
	const mark = 1000 - WINDOW;
	expect(cut.state.backlog).toEqual({ token: 'page-2', readDownTo: mark });
	const next = beginPoll(cut.state, QUERY, WINDOW);
	expect(next).toMatchObject({ kind: 'continue', from: 'page-2', readDownTo: mark });
	// Nothing the backlog still owes is forgotten meanwhile.
	expect(cut.state.floorTs).toBeLessThanOrEqual(mark);
	const rest = poll(cut.state, [asset('b', 2500), asset('old', 450), asset('a', 1000)], {
		newestTs: 2500,
	});
	expect(rest.emit.map((a) => a.id)).toEqual(['old', 'b']);
	expect(rest.state.backlog).toBeUndefined();
	expect(rest.state.newestTs).toBe(3000);
	expect(fromTheFront(next)).toMatchObject({ from: undefined, readDownTo: mark });
});

it('a fresh position cut short keeps no backlog: nothing at or below the oldest second it read is new', () => {
	const { state } = poll(undefined, [asset('d', 3000), asset('c', 2900)], { stoppedAt: 'page-2' });
	expect(state.backlog).toBeUndefined();
	expect(state.floorTs).toBe(2901);
	// The rest of a second that straddled the page boundary is not new.
	const page1 = [asset('n', 5100), asset('s3', 5000), asset('s2', 5000)];
	const fresh = poll(undefined, page1, { stoppedAt: 'page-2', window: 3600, now: 6000 });
	const next = poll(fresh.state, [...page1, asset('s1', 5000), asset('old', 100)], {
		window: 3600,
		now: 6060,
	});
	expect(next.emit).toEqual([]);
});

it('a window shorter than any tolerance and one asset from the future: an upload after it still comes', () => {
	const window = 60;
	const first = poll(undefined, [asset('a', 1000)], { window, now: 1000 });
	const skewed = poll(first.state, [asset('future', 999_999), asset('a', 1000)], {
		window,
		now: 1010,
	});
	expect(skewed.emit.map((a) => a.id)).toEqual(['future']);
	const after = poll(
		skewed.state,
		[asset('future', 999_999), asset('normal', 1030), asset('a', 1000)],
		{ window, now: 1070 },
	);
	expect(after.emit.map((a) => a.id)).toEqual(['normal']);
});

it('the newest time counts every asset read, also those a filter dropped', () => {
	const first = poll(undefined, [], { newestTs: 5000 });
	expect(first.state.newestTs).toBe(5000);
	expect(beginPoll(first.state, QUERY, WINDOW)).toMatchObject({ readDownTo: 5000 - WINDOW });
});

it('another account, API version, owner or filter starts afresh; an older state shape too', () => {
	const first = poll(undefined, [asset('a', 1000)]);
	for (const other of [
		{ account: 'acct2', apiVersion: 'v3', owner: 'jane' },
		{ account: 'acct1', apiVersion: 'v1', owner: '' },
		{ account: 'acct1', apiVersion: 'v3', owner: 'john' },
		{ account: 'acct1', apiVersion: 'v3', owner: 'jane', fileType: 'video' },
		{ account: 'acct1', apiVersion: 'v3', owner: 'jane', folderId: 'f1' },
	]) {
		expect(beginPoll(first.state, positionQuery(other), WINDOW)).toEqual({ kind: 'baseline' });
	}
	expect(beginPoll({ ...first.state, v: 2 }, QUERY, WINDOW)).toEqual({ kind: 'baseline' });
	expect(beginPoll({ lastTs: 1000, idsAtLastTs: ['a'] }, QUERY, WINDOW)).toEqual({
		kind: 'baseline',
	});
});

it('a page reaches back far enough when it holds an asset older than the mark', () => {
	expect(reachedBack([asset('a', 500), asset('b', 399)], 400)).toBe(true);
	expect(reachedBack([asset('a', 500), asset('b', 400)], 400)).toBe(false);
	expect(reachedBack([], 400)).toBe(false);
});
