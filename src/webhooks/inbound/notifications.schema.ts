import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const NOTIFICATION_STATUSES = ['pending', 'processing', 'done', 'dead', 'ignored'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * The inbox of Mercado Pago notifications, and the queue the worker claims from.
 *
 * One row per change of a resource, not per request: Mercado Pago retries, sends IPN beside the
 * webhook, and its body (the only place with a notification id) is unsigned, so no request field
 * identifies "the event". Instead (1) while a row for a resource is pending or processing, every
 * further notification for it folds into that row (counts bumped; a fold into a row being
 * processed marks it `refetch`, so a change after our read is not lost); (2) once processed, the
 * row records the version it read (Mercado Pago's date_last_updated), and a later row that reads
 * the same version folds into the earlier one. A burst therefore costs one read, and duplicates,
 * IPN + webhook and stale notifications end as one row per change.
 */
export const mercadopagoNotifications = pgTable(
  'mercadopago_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    credentialId: uuid('credential_id').notNull(),
    /** `payment`, `chargebacks`, or another topic we store and acknowledge but do not process. */
    topic: text('topic').notNull(),
    resourceId: text('resource_id'),
    /**
     * The body's `action` (e.g. payment.updated), unsigned: shown to operators, and a lone
     * `payment.created` of a payment we hold skips its re-read (see the worker); nothing else.
     */
    action: text('action'),
    status: text('status').$type<NotificationStatus>().notNull(),
    /** Which secret verified the latest webhook: `current` or `previous`; null for IPN only. */
    signature: text('signature'),
    webhookCount: integer('webhook_count').notNull().default(0),
    ipnCount: integer('ipn_count').notNull().default(0),
    lastRequestId: text('last_request_id'),
    refetch: boolean('refetch').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    runAt: at('run_at').notNull().defaultNow(),
    lockedUntil: at('locked_until'),
    lastError: text('last_error'),
    /** Our payment: the one notified, or the one a chargeback is about. */
    paymentId: uuid('payment_id'),
    /** date_last_updated of the payment (or chargeback) as read when this row was processed. */
    resourceVersion: at('resource_version'),
    receivedAt: at('received_at').notNull().defaultNow(),
    lastReceivedAt: at('last_received_at').notNull().defaultNow(),
    processedAt: at('processed_at'),
  },
  (t) => [
    uniqueIndex('mercadopago_notifications_active_idx')
      .on(t.credentialId, t.topic, t.resourceId)
      .where(sql`status IN ('pending', 'processing')`),
    uniqueIndex('mercadopago_notifications_version_idx')
      .on(t.credentialId, t.topic, t.resourceId, t.resourceVersion)
      .where(sql`status = 'done'`),
    index('mercadopago_notifications_claim_idx')
      .on(t.status, t.runAt, t.id)
      .where(sql`status = 'pending'`),
    index('mercadopago_notifications_lease_idx')
      .on(t.lockedUntil)
      .where(sql`status = 'processing'`),
    index('mercadopago_notifications_received_idx').on(t.receivedAt.desc(), t.id.desc()),
    index('mercadopago_notifications_resource_idx').on(t.resourceId, t.receivedAt.desc()),
  ],
);

export type NotificationRow = typeof mercadopagoNotifications.$inferSelect;
