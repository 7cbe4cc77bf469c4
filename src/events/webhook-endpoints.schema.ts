import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { outboxEvents } from './outbox.schema';

const at = (name: string) => timestamp(name, { withTimezone: true });

/** Internal subscribers to payment events. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    url: text('url').notNull(),
    /** null: every event type. */
    eventTypes: text('event_types').array(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    /** Why it was turned off by us (`failing`), null when enabled or turned off by a caller. */
    disabledReason: text('disabled_reason'),
    // The signing secret sealed with the credentials' SecretBox (base64 of iv|tag|ciphertext),
    // and the replaced one, still signing beside it until its expiry (rotation overlap).
    secretSealed: text('secret_sealed').notNull(),
    secretKeyId: text('secret_key_id').notNull(),
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretKeyId: text('previous_secret_key_id'),
    previousSecretExpiresAt: at('previous_secret_expires_at'),
    /** First failed attempt since the last success: disabled once this is old enough. */
    failingSince: at('failing_since'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_created_idx').on(t.createdAt.desc(), t.id.desc())],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event to one endpoint, and the queue the delivery worker claims from. Order per payment
 * and endpoint: a row is claimed only when no earlier one (by event seq) for the same subject and
 * endpoint is still pending or sending.
 */
export const eventDeliveries = pgTable(
  'event_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id')
      .notNull()
      .references(() => outboxEvents.id),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    eventType: text('event_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    eventCreatedAt: at('event_created_at').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    runAt: at('run_at').notNull().defaultNow(),
    lockedUntil: at('locked_until'),
    responseStatus: integer('response_status'),
    /** At most 1 KB of the subscriber's answer. */
    responseBody: text('response_body'),
    lastError: text('last_error'),
    durationMs: integer('duration_ms'),
    lastAttemptAt: at('last_attempt_at'),
    deliveredAt: at('delivered_at'),
    // Set here, not by now(): list cursors carry milliseconds, so the column must too.
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    index('event_deliveries_claim_idx')
      .on(t.status, t.runAt, t.id)
      .where(sql`status = 'pending'`),
    index('event_deliveries_lease_idx')
      .on(t.lockedUntil)
      .where(sql`status = 'sending'`),
    index('event_deliveries_order_idx')
      .on(t.endpointId, t.subjectId, t.eventSeq)
      .where(sql`status IN ('pending', 'sending')`),
    index('event_deliveries_endpoint_idx').on(t.endpointId, t.createdAt.desc(), t.id.desc()),
    index('event_deliveries_event_idx').on(t.eventId),
  ],
);

export type EventDeliveryRow = typeof eventDeliveries.$inferSelect;
