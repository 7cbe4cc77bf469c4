import { PAYMENT_STATUSES } from '../payments/payment-status';
import { eventIdOf } from './standard-webhooks';
import type { OutboxEventRow } from './outbox.schema';

/** What an endpoint can subscribe to: a payment appeared, changed, or reached each status. */
export const PAYMENT_EVENT_TYPES: readonly string[] = [
  'payment.created',
  'payment.updated',
  ...PAYMENT_STATUSES.map((status) => `payment.${status}`),
];

/** A chargeback was first recorded, changed, or decided (won or lost). */
export const DISPUTE_EVENT_TYPES: readonly string[] = [
  'dispute.opened',
  'dispute.updated',
  'dispute.closed',
];

/** What an endpoint's `event_types` may list. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [
  ...PAYMENT_EVENT_TYPES,
  ...DISPUTE_EVENT_TYPES,
];

/** Sent by POST /v1/webhook-endpoints/{id}/test to that endpoint only, whatever it subscribes to. */
export const PING = 'ping';

export const EVENT_TYPES: readonly string[] = [...SUBSCRIBABLE_EVENT_TYPES, PING];

/**
 * The body subscribers receive: `data` is the payment as GET /v1/payments/{id} showed it then
 * (dispute.*: the dispute as GET /v1/disputes/{id} showed it).
 */
export interface EventBody {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function eventBody(row: OutboxEventRow): EventBody {
  const payload = row.payload as {
    payment?: Record<string, unknown>;
    dispute?: Record<string, unknown>;
  };
  return {
    id: eventIdOf(row.id),
    type: row.type,
    timestamp: row.createdAt.toISOString(),
    data:
      row.type === PING
        ? (row.payload as Record<string, unknown>)
        : (payload.payment ?? payload.dispute ?? {}),
  };
}
