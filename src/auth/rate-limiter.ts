import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RateLimitsRepository } from './rate-limits.repository';

/** How often an instance adds its counts to the shared ones and learns the others'. */
export const RATE_SYNC_MS = 1000;

interface Window {
  start: number;
  /** The shared count as last read (every instance's requests, ours included). */
  shared: number;
  /** Ours since then, not yet added to the shared count. */
  pending: number;
}

/**
 * A fixed window per token. The hot path is a map lookup and an increment; on PostgreSQL each
 * instance adds its local counts to a shared row per token and window once a second (one UPSERT
 * for all tokens), reading back the total. So a token is held to API_RATE_LIMIT across
 * instances, give or take what the other instances admitted within the last second.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly limit: number;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private purgedBefore = 0;

  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly config: AppConfig,
  ) {
    this.limit = config.rateLimit.limit;
    this.windowMs = config.rateLimit.windowSeconds * 1000;
  }

  /** 0 when the request may go ahead (and is counted), else seconds until the window ends. */
  take(tokenId: string, now = Date.now()): number {
    if (this.limit === 0) return 0;
    const start = now - (now % this.windowMs);
    let window = this.windows.get(tokenId);
    if (window?.start !== start) {
      window = { start, shared: 0, pending: 0 };
      this.windows.set(tokenId, window);
    }
    if (window.shared + window.pending >= this.limit) {
      return Math.max(1, Math.ceil((start + this.windowMs - now) / 1000));
    }
    window.pending += 1;
    return 0;
  }

  onApplicationBootstrap(): void {
    // PGlite is one process: the local count is the whole count.
    if (this.limit === 0 || this.config.database.kind !== 'postgres') return;
    this.timer = setInterval(() => void this.sync(), RATE_SYNC_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing;
  }

  /** One UPSERT for every token with new requests; old windows are forgotten here and there. */
  sync(): Promise<void> {
    this.syncing ??= this.flush().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async flush(): Promise<void> {
    const now = Date.now();
    const current = now - (now % this.windowMs);
    const batch: { window: Window; tokenId: string; taken: number }[] = [];
    for (const [tokenId, window] of this.windows) {
      if (window.pending > 0) {
        batch.push({ window, tokenId, taken: window.pending });
        window.pending = 0;
      } else if (window.start < current) {
        this.windows.delete(tokenId);
      }
    }
    if (batch.length === 0) return;
    try {
      const totals = await this.repository.add(
        batch.map(({ window, tokenId, taken }) => ({
          tokenId,
          windowStart: new Date(window.start),
          count: taken,
        })),
      );
      // One window per token in a batch: the token names its row.
      const byToken = new Map(totals.map((total) => [total.tokenId, total.count]));
      for (const { window, tokenId, taken } of batch) {
        window.shared = Math.max(window.shared + taken, byToken.get(tokenId) ?? 0);
      }
      if (this.purgedBefore < current) {
        this.purgedBefore = current;
        await this.repository.deleteBefore(new Date(current - this.windowMs));
      }
    } catch (error) {
      // Counted locally still: the limit holds per instance until the database answers again.
      for (const { window, taken } of batch) window.pending += taken;
      this.logger.warn(`Could not share rate-limit counts: ${(error as Error).message}`);
    }
  }
}
