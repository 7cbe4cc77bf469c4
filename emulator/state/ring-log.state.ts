/** A bounded, append-only log: the emulator must not grow without end under a benchmark. */
export class RingLog<T> {
  private items: T[] = [];

  constructor(private readonly limit: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.limit * 1.25) this.items = this.items.slice(-this.limit);
  }

  /** Entries oldest first, the newest `limit` of those that match. */
  list(filter: (item: T) => boolean = () => true, limit = this.limit): T[] {
    const matching = this.items.filter(filter);
    return matching.slice(Math.max(0, matching.length - limit));
  }

  clear(): void {
    this.items = [];
  }
}
