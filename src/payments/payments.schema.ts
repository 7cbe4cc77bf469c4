import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ThreeDsInfo } from './payment-gateway.port';

/** A fee as stored: minor units, Mercado Pago's names. */
export interface StoredFeeDetail {
  type: string;
  amount: number;
  fee_payer: string;
}

const money = (name: string) => bigint(name, { mode: 'number' });
const at = (name: string) => timestamp(name, { withTimezone: true });

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    credentialId: uuid('credential_id').notNull(),
    liveMode: boolean('live_mode').notNull(),
    createdBy: text('created_by').notNull(),
    mercadopagoId: bigint('mercadopago_id', { mode: 'number' }),
    status: text('status').notNull(),
    statusDetail: text('status_detail'),
    currencyId: text('currency_id').notNull(),
    /** Integer minor units (cents), like every amount column. */
    amount: money('amount').notNull(),
    amountRefunded: money('amount_refunded').notNull().default(0),
    installments: integer('installments').notNull(),
    paymentMethodId: text('payment_method_id').notNull(),
    paymentTypeId: text('payment_type_id'),
    issuerId: text('issuer_id'),
    captured: boolean('captured').notNull().default(false),
    capture: boolean('capture').notNull(),
    binaryMode: boolean('binary_mode').notNull(),
    externalReference: text('external_reference'),
    description: text('description'),
    statementDescriptor: text('statement_descriptor'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    payerEmail: text('payer_email').notNull(),
    cardFirstSixDigits: text('card_first_six_digits'),
    cardLastFourDigits: text('card_last_four_digits'),
    /** The caller's additional_info (items, payer, shipments, ip_address), as sent to Mercado Pago. */
    additionalInfo: jsonb('additional_info').$type<Record<string, unknown>>(),
    /** Device session id from MercadoPago.js, sent as X-Meli-Session-Id. */
    deviceId: text('device_id'),
    /** not_supported, optional or mandatory. */
    threeDSecureMode: text('three_d_secure_mode').notNull().default('not_supported'),
    /** { external_resource_url, creq } while Mercado Pago waits for the 3DS challenge. */
    threeDsInfo: jsonb('three_ds_info').$type<ThreeDsInfo>(),
    /**
     * The exact request sent to Mercado Pago (card token included) while the outcome is unknown,
     * so a retry re-sends it under the same idempotency key; cleared once settled.
     */
    pendingRequest: jsonb('pending_request'),
    gatewayIdempotencyKey: text('gateway_idempotency_key').notNull(),
    failure: jsonb('failure'),
    dateApproved: at('date_approved'),
    /** Mercado Pago's date_last_updated: an update is applied only when it is newer. */
    gatewayUpdatedAt: at('gateway_updated_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    nextSyncAt: at('next_sync_at'),
    syncAttempts: integer('sync_attempts').notNull().default(0),
    // Settlement (issue 14), as Mercado Pago last reported it; null until it says.
    /** Each fee in minor units: `[{type, amount, fee_payer}]`. */
    feeDetails: jsonb('fee_details').$type<StoredFeeDetail[]>(),
    netReceivedAmount: money('net_received_amount'),
    totalPaidAmount: money('total_paid_amount'),
    installmentAmount: money('installment_amount'),
    overpaidAmount: money('overpaid_amount'),
    moneyReleaseDate: at('money_release_date'),
    moneyReleaseStatus: text('money_release_status'),
  },
  (t) => [
    uniqueIndex('payments_mercadopago_id_idx').on(t.mercadopagoId),
    index('payments_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('payments_status_created_idx').on(t.status, t.createdAt.desc(), t.id.desc()),
    index('payments_external_reference_idx').on(t.externalReference, t.createdAt.desc()),
    index('payments_payer_email_idx').on(t.payerEmail, t.createdAt.desc()),
    index('payments_credential_created_idx').on(t.credentialId, t.createdAt.desc(), t.id.desc()),
    // Every payment due for a re-read: unsettled ones soon, settled ones on a decaying schedule.
    index('payments_next_sync_idx')
      .on(t.nextSyncAt)
      .where(sql`next_sync_at IS NOT NULL`),
    // The settlement export reads approved money by approval date, in keyset batches.
    index('payments_approved_idx')
      .on(t.dateApproved, t.id)
      .where(sql`date_approved IS NOT NULL`),
  ],
);

export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    mercadopagoId: bigint('mercadopago_id', { mode: 'number' }),
    /**
     * submitting (reserved, outcome unknown), in_process (reserved, Mercado Pago still working),
     * approved, rejected, cancelled, or failed (Mercado Pago refused the request).
     */
    status: text('status').notNull(),
    amount: money('amount').notNull(),
    /** True when the caller asked for "everything left" rather than an amount. */
    full: boolean('full').notNull(),
    gatewayIdempotencyKey: text('gateway_idempotency_key').notNull(),
    /** `service` (asked through us) or `mercadopago` (made elsewhere, e.g. the panel). */
    origin: text('origin').notNull().default('service'),
    failure: jsonb('failure'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('refunds_payment_idx').on(t.paymentId, t.createdAt),
    index('refunds_created_idx').on(t.createdAt, t.id),
    uniqueIndex('refunds_mercadopago_id_idx').on(t.mercadopagoId),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
export type NewPaymentRow = typeof payments.$inferInsert;
export type RefundRow = typeof refunds.$inferSelect;
