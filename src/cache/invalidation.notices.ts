import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { Database } from '../database/database';

/** The one SQL of cache invalidation: NOTIFY through the pool (delivered to every LISTENer). */
@Injectable()
export class InvalidationNotices {
  constructor(private readonly database: Database) {}

  async notify(channel: string, payload: string): Promise<void> {
    await this.database.db.execute(sql`SELECT pg_notify(${channel}, ${payload})`);
  }
}
