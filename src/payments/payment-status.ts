/** Mercado Pago's payment statuses, plus our own two for a payment not (yet) at Mercado Pago. */
export const GATEWAY_STATUSES = [
  'pending',
  'approved',
  'authorized',
  'in_process',
  'in_mediation',
  'rejected',
  'cancelled',
  'refunded',
  'charged_back',
] as const;
export type GatewayStatus = (typeof GATEWAY_STATUSES)[number];

/**
 * `submitting`: recorded, sent (or about to be) to Mercado Pago, answer not yet known; a retry with
 * the same key or the reconciler settles it. `failed`: Mercado Pago refused the request (4xx),
 * so nothing was charged.
 */
export type PaymentStatus = GatewayStatus | 'submitting' | 'failed';
export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'submitting',
  'failed',
  ...GATEWAY_STATUSES,
];

/** States that can still change without us asking: the reconciler re-reads these. */
export const UNSETTLED_STATUSES: readonly PaymentStatus[] = [
  'submitting',
  'pending',
  'in_process',
  'authorized',
];

/** Mercado Pago allows cancel only from these (pending/in_process, and authorized reserves). */
export const CANCELLABLE_STATUSES: readonly PaymentStatus[] = [
  'pending',
  'in_process',
  'authorized',
];

export const isGatewayStatus = (value: string): value is GatewayStatus =>
  (GATEWAY_STATUSES as readonly string[]).includes(value);
