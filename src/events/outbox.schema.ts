import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Every state change announces itself here, in the same transaction as the change, so an event
 * exists exactly when the change does; delivery to subscribers reads from this table.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order, even within one transaction: subscribers get events in this order. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    type: text('type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('outbox_events_subject_idx').on(t.subjectId, t.seq),
    index('outbox_events_seq_idx').on(t.seq),
    index('outbox_events_created_at_idx').on(t.createdAt),
  ],
);
