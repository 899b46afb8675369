interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A bounded map that forgets the least recently used entry first and never returns an entry older than its TTL.
 * A Map iterates in insertion order, so re-inserting an entry on every hit keeps the least recently used first.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  /**
   * @param maxEntries at least 1
   * @param ttlMs how long an entry is served after it was set; 0 stores nothing
   * @param now milliseconds on a monotonic-enough clock, injected so tests can move time
   */
  constructor(readonly maxEntries: number, readonly ttlMs: number, private readonly now: () => number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new RangeError(`ttlMs must be a non-negative number, got ${ttlMs}`);
    }
  }

  /** The live value for the key, or undefined when it was never set, was evicted or has expired. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    this.entries.delete(key);
    if (this.now() >= entry.expiresAt) {
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs === 0) {
      return;
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Entries held, including expired ones not yet looked up or evicted. */
  get size(): number {
    return this.entries.size;
  }
}
