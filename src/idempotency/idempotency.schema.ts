import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** The calling token: keys are scoped to their caller. */
    owner: text('owner').notNull(),
    /** The operation, e.g. "payments.create" or "refunds.create:<payment id>". */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** in_progress (leased), open (unsettled, a retry may resume), done (answer stored). */
    state: text('state').notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** Who holds the lease: only that holder may complete or release the key (a fence). */
    leaseId: uuid('lease_id'),
    resourceId: uuid('resource_id'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.owner, t.scope, t.key] }),
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
  ],
);

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
