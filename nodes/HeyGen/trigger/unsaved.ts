/**
 * Fresh positions this process took and may not have been saved: n8n 2.x with durable poll cursors
 * does not keep what its activation-time poll changed (only scheduled polls commit), so the first
 * scheduled poll would otherwise start afresh and skip what happened in between. The next poll of
 * the same node and query takes it (and uses it only where n8n kept nothing); kept a day at most.
 */
export class UnsavedPositions<T> {
	private readonly positions = new Map<string, { state: T; at: number }>();

	constructor(private readonly ttlMs = 24 * 60 * 60 * 1000) {}

	/**
	 * The position of this key from an activation poll (undefined: none, or too old). It stays until
	 * a poll that started from it succeeds (forget): a failed poll leaves it for the next one.
	 */
	peek(key: string): T | undefined {
		const now = Date.now();
		for (const [candidate, { at }] of this.positions) {
			if (now - at > this.ttlMs) this.positions.delete(candidate);
		}
		return this.positions.get(key)?.state;
	}

	forget(key: string): void {
		this.positions.delete(key);
	}

	keep(key: string, state: T): void {
		this.positions.set(key, { state, at: Date.now() });
	}
}
