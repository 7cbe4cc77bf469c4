import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Requests per service token per fixed window, summed over every instance (PostgreSQL). */
export const apiRateWindows = pgTable(
  'api_rate_windows',
  {
    /** A service token's id, or "admin-token" for ADMIN_TOKEN. */
    tokenId: text('token_id').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.windowStart] })],
);
