interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** Whether an instance may serve from its caches now: only while it would hear of changes. */
export interface CacheGate {
  readonly active: boolean;
}

/**
 * A bounded in-memory map whose entries live at most `ttlMs` and are dropped on invalidation.
 * A load that began before an invalidation is not stored, so a value read just before a change
 * committed cannot outlive the notice that announced it.
 */
export class SharedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;

  constructor(
    private readonly gate: CacheGate,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** A TTL of 0 turns the cache off. */
  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The cached value, or `load`'s (stored unless undefined); loads every time while inactive. */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const now = Date.now();
    const serving = this.enabled && this.gate.active;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now && serving) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation && serving && this.gate.active) {
      this.entries.delete(key);
      this.entries.set(key, { value, expiresAt: now + this.ttlMs });
      // Maps iterate in insertion order: the first key is the oldest entry.
      if (this.entries.size > this.maxEntries) {
        this.entries.delete(this.entries.keys().next().value!);
      }
    }
    return value;
  }

  /** Drops one key, or every entry when none is given. */
  invalidate(key?: string): void {
    this.generation += 1;
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}
