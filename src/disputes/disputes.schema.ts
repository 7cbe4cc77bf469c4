import {
  bigint,
  boolean,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { payments } from '../payments/payments.schema';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Ours, derived from Mercado Pago's chargeback (it has no status field): `open` while it waits
 * for the seller's documentation, `in_review` until Mercado Pago decides, then `won` (covered:
 * the money comes back) or `lost`. See dispute-status.ts for the mapping.
 */
export const DISPUTE_STATUSES = ['open', 'in_review', 'won', 'lost'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/**
 * When the chargeback opened: Mercado Pago's date_created, or when we first read it for a
 * chargeback read without one. One expression for the export's window, keyset and index.
 */
export const disputeOpenedAt = (t: { gatewayCreatedAt: AnyPgColumn; createdAt: AnyPgColumn }) =>
  sql`coalesce(${t.gatewayCreatedAt}, ${t.createdAt})`;

/** One row per Mercado Pago chargeback, as last read from GET /v1/chargebacks/{id}. */
export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    credentialId: uuid('credential_id').notNull(),
    /** The chargeback's id: a string of digits longer than a JS number holds exactly. */
    mercadopagoId: text('mercadopago_id').notNull(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    paymentMercadopagoId: bigint('payment_mercadopago_id', { mode: 'number' }).notNull(),
    status: text('status').$type<DisputeStatus>().notNull(),
    /** Mercado Pago's documentation_status, one of its six documented values. */
    documentationStatus: text('documentation_status').notNull(),
    currencyId: text('currency_id').notNull(),
    /** Integer minor units, like every amount column. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    reason: text('reason'),
    documentationRequired: boolean('documentation_required'),
    documentationDeadline: at('documentation_deadline'),
    /** null until Mercado Pago decides; true: the seller is covered. */
    coverageApplied: boolean('coverage_applied'),
    coverageEligible: boolean('coverage_eligible'),
    liveMode: boolean('live_mode').notNull(),
    gatewayCreatedAt: at('gateway_created_at'),
    /** Mercado Pago's date_last_updated: a read is applied only when it is not older. */
    gatewayUpdatedAt: at('gateway_updated_at'),
    /** When we first read a decision (won or lost). */
    resolvedAt: at('resolved_at'),
    /** Set by us at millisecond precision: list cursors carry milliseconds. */
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('disputes_mercadopago_id_idx').on(t.mercadopagoId),
    index('disputes_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('disputes_status_created_idx').on(t.status, t.createdAt.desc(), t.id.desc()),
    index('disputes_credential_created_idx').on(t.credentialId, t.createdAt.desc(), t.id.desc()),
    index('disputes_payment_idx').on(t.paymentId, t.createdAt),
    index('disputes_deadline_idx').on(t.documentationDeadline),
    // The settlement export reads chargebacks by when they opened, and wins by when they were
    // decided, in keyset batches.
    index('disputes_opened_idx').on(disputeOpenedAt(t), t.id),
    index('disputes_won_idx')
      .on(t.resolvedAt, t.id)
      .where(sql`status = 'won'`),
  ],
);

export type DisputeRow = typeof disputes.$inferSelect;
export type NewDisputeRow = typeof disputes.$inferInsert;
