/**
 * A token bucket per key (credentials × sender) that only failures drain: a sender that keeps
 * failing the signature check (guessing, replaying, a stale secret) is told to back off, while
 * valid traffic never touches it. In memory: per instance, reset on restart.
 */
export class FailureLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly maxSources = 10_000,
  ) {}

  /** Seconds until `source` may try again; 0 when it may now. */
  retryAfter(source: string, now = Date.now()): number {
    const tokens = this.tokens(source, now);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.refillPerSecond);
  }

  /** Counts one failure of `source`; returns retryAfter once its bucket is empty, else 0. */
  recordFailure(source: string, now = Date.now()): number {
    if (this.buckets.size >= this.maxSources && !this.buckets.has(source)) this.prune(now);
    const tokens = Math.max(this.tokens(source, now) - 1, 0);
    this.buckets.set(source, { tokens, at: now });
    return this.retryAfter(source, now);
  }

  private tokens(source: string, now: number): number {
    const bucket = this.buckets.get(source);
    if (!bucket) return this.capacity;
    return Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond,
    );
  }

  /** Forgets sources that are back to a full bucket, then the oldest if still too many. */
  private prune(now: number): void {
    for (const source of this.buckets.keys()) {
      if (this.tokens(source, now) >= this.capacity) this.buckets.delete(source);
    }
    const oldest = this.buckets.keys().next();
    if (this.buckets.size >= this.maxSources && !oldest.done) this.buckets.delete(oldest.value);
  }
}
