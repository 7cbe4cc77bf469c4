import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const serviceTokens = pgTable(
  'service_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** SHA-256 of the secret, hex: the secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    scopes: text('scopes').array().notNull(),
    /** null: every credentials; else only these credentials' payments, customers, notifications. */
    credentialIds: uuid('credential_ids').array(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('service_tokens_created_at_idx').on(t.createdAt)],
);

export type ServiceTokenRow = typeof serviceTokens.$inferSelect;
