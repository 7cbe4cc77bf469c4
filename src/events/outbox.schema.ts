import { sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
    /**
     * Turned into per-endpoint deliveries by the delivery worker, not by the change's
     * transaction, so the payment path writes nothing more than the event. A flag rather than a
     * seq cursor: seqs commit out of order, and a row committed late is still unflagged.
     */
    fannedOut: boolean('fanned_out').notNull().default(false),
  },
  (t) => [
    index('outbox_events_subject_idx').on(t.subjectId, t.seq),
    index('outbox_events_seq_idx').on(t.seq),
    index('outbox_events_created_at_idx').on(t.createdAt),
    index('outbox_events_fan_out_idx')
      .on(t.seq)
      .where(sql`NOT fanned_out`),
    index('outbox_events_type_idx').on(t.type, t.seq),
  ],
);

export type OutboxEventRow = typeof outboxEvents.$inferSelect;
