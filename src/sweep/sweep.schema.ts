import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { credentials } from '../credentials/credentials.schema';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Where the sweep of each credentials' payments at Mercado Pago stands, and who is sweeping them:
 * one row per credentials, leased by one instance at a time.
 */
export const paymentSweeps = pgTable('payment_sweeps', {
  credentialId: uuid('credential_id')
    .primaryKey()
    .references(() => credentials.id),
  /** The latest date_last_updated applied; null until the first run found a payment. */
  cursorAt: at('cursor_at'),
  /** Mercado Pago ids applied with exactly that date_last_updated (dates can be equal). */
  cursorIds: jsonb('cursor_ids').$type<number[]>().notNull().default([]),
  /** Every change up to here (our clock: the end of the last run that read all) is applied. */
  sweptUntil: at('swept_until'),
  nextRunAt: at('next_run_at').notNull().defaultNow(),
  leasedUntil: at('leased_until'),
  leaseOwner: text('lease_owner'),
  lastRunAt: at('last_run_at'),
  /** completed | partial (page limit reached) | failed, with why in lastError. */
  lastOutcome: text('last_outcome'),
  lastError: text('last_error'),
});

export type PaymentSweepRow = typeof paymentSweeps.$inferSelect;
