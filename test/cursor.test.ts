/** The HeyGen Trigger's position, as pure functions of the saved state and the pages a poll read. */
import { beginPoll, endPoll, reachedBack, readDownToOf } from '../nodes/HeyGen/trigger/cursor';

const WINDOW = 600;
const QUERY = '["v3","","",""]';
const asset = (id: string, ts: number) => ({ id, ts });

/** One poll over `read` (newest first), as the trigger runs it. */
function poll(saved: unknown, read: Array<{ id: string; ts: number }>, complete = true) {
	const start = beginPoll(saved, QUERY, WINDOW);
	const readDownTo = readDownToOf(start, read, WINDOW);
	return endPoll(start, read, {
		query: QUERY,
		windowSeconds: WINDOW,
		readDownTo,
		complete,
	});
}

it('a fresh position emits nothing and remembers the window below the newest asset', () => {
	const { state, emit } = poll(undefined, [asset('c', 1000), asset('b', 700), asset('a', 300)]);
	expect(emit).toEqual([]);
	expect(state).toEqual({
		v: 2,
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

it('forgets ids that fell out of the window: the state stays small', () => {
	const first = poll(undefined, [asset('a', 1000)]);
	const later = poll(first.state, [asset('z', 5000), asset('a', 1000)]);
	expect(later.state.seen).toEqual({ z: 5000 });
});

it('an asset older than the floor (there before the trigger started) is never emitted', () => {
	const first = poll(undefined, [asset('b', 1000), asset('a', 100)]);
	const second = poll(first.state, [asset('b', 1000), asset('old', 390), asset('a', 100)]);
	expect(second.emit).toEqual([]);
});

it('a poll cut short keeps where it has to read back to; the next one reads it and clears it', () => {
	const first = poll(undefined, [asset('a', 1000)]);
	const cut = poll(first.state, [asset('d', 3000), asset('c', 2900)], false);
	expect(cut.emit.map((a) => a.id)).toEqual(['c', 'd']);
	expect(cut.state.pendingTs).toBe(400);
	expect(beginPoll(cut.state, QUERY, WINDOW)).toMatchObject({ readDownTo: 400 });
	const rest = poll(cut.state, [
		asset('d', 3000),
		asset('c', 2900),
		asset('b', 1500),
		asset('a', 1000),
	]);
	expect(rest.emit.map((a) => a.id)).toEqual(['b']);
	expect(rest.state.pendingTs).toBeUndefined();
});

it("another query starts afresh; an older package's state is taken over", () => {
	const first = poll(undefined, [asset('a', 1000)]);
	expect(beginPoll(first.state, '["v1","","video",""]', WINDOW)).toEqual({ kind: 'baseline' });
	const legacy = beginPoll({ lastTs: 1000, idsAtLastTs: ['a'] }, QUERY, WINDOW);
	expect(legacy).toMatchObject({ kind: 'continue', emitFrom: 1000, state: { seen: { a: 1000 } } });
});

it('a page reaches back far enough when it holds an asset older than the mark', () => {
	expect(reachedBack([asset('a', 500), asset('b', 399)], 400)).toBe(true);
	expect(reachedBack([asset('a', 500), asset('b', 400)], 400)).toBe(false);
	expect(reachedBack([], 400)).toBe(false);
});
