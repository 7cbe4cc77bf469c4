import { Injectable } from '@nestjs/common';
import { lt, sql } from 'drizzle-orm';
import { Database } from '../database/database';
import { apiRateWindows } from './rate-limits.schema';

export interface WindowCount {
  tokenId: string;
  windowStart: Date;
  count: number;
}

@Injectable()
export class RateLimitsRepository {
  constructor(private readonly database: Database) {}

  /** Adds each instance-local count to the shared one; answers the shared totals. */
  async add(counts: WindowCount[]): Promise<WindowCount[]> {
    const rows = await this.database.db
      .insert(apiRateWindows)
      .values(counts)
      .onConflictDoUpdate({
        target: [apiRateWindows.tokenId, apiRateWindows.windowStart],
        set: { count: sql`${apiRateWindows.count} + excluded.count` },
      })
      .returning();
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  async deleteBefore(windowStart: Date): Promise<void> {
    await this.database.db
      .delete(apiRateWindows)
      .where(lt(apiRateWindows.windowStart, windowStart));
  }
}
