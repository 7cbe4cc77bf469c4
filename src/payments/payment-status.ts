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
 * the same key or the reconciler settles it within the re-send window. `failed`: Mercado Pago
 * refused the request (4xx), so nothing was charged. `abandoned`: never answered, and once the
 * re-send window was over Mercado Pago had no such charge; it is never sent again.
 */
export type PaymentStatus = GatewayStatus | 'submitting' | 'failed' | 'abandoned';
export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'submitting',
  'failed',
  'abandoned',
  ...GATEWAY_STATUSES,
];

/** States that can still change without us asking: the reconciler re-reads these soon and often. */
export const UNSETTLED_STATUSES: readonly PaymentStatus[] = [
  'submitting',
  'pending',
  'in_process',
  'authorized',
];

/**
 * Settled, yet Mercado Pago can still change them (refund in its panel, chargeback, mediation):
 * re-read on a slow, decaying schedule so a lost notification cannot hide it.
 */
export const WATCHED_STATUSES: readonly PaymentStatus[] = ['approved', 'in_mediation'];

/** Mercado Pago's refund statuses; in_process ones hold their money until they end. */
export const GATEWAY_REFUND_STATUSES = ['approved', 'in_process', 'rejected', 'cancelled'] as const;
export type GatewayRefundStatus = (typeof GATEWAY_REFUND_STATUSES)[number];

/** Ours: `submitting` (sent, answer unknown) and `failed` (Mercado Pago refused the request). */
export type RefundStatus = GatewayRefundStatus | 'submitting' | 'failed';

/** Refund states whose amount is spoken for but not yet given back. */
export const RESERVED_REFUND_STATUSES: readonly RefundStatus[] = ['submitting', 'in_process'];

export const isGatewayRefundStatus = (value: string): value is GatewayRefundStatus =>
  (GATEWAY_REFUND_STATUSES as readonly string[]).includes(value);

/** Mercado Pago allows cancel only from these (pending/in_process, and authorized reserves). */
export const CANCELLABLE_STATUSES: readonly PaymentStatus[] = [
  'pending',
  'in_process',
  'authorized',
];

export const isGatewayStatus = (value: string): value is GatewayStatus =>
  (GATEWAY_STATUSES as readonly string[]).includes(value);

/**
 * fee_details types Mercado Pago documents (its payments reference and SDK typings); any other is
 * an unexpected answer, like an unknown status, rather than money silently left out.
 */
export const FEE_TYPES = [
  'mercadopago_fee',
  'coupon_fee',
  'financing_fee',
  'shipping_fee',
  'application_fee',
  'discount_fee',
] as const;
export type FeeType = (typeof FEE_TYPES)[number];

export const FEE_PAYERS = ['collector', 'payer'] as const;
export type FeePayer = (typeof FEE_PAYERS)[number];

/** money_release_status as Mercado Pago's SDK documents it. */
export const MONEY_RELEASE_STATUSES = ['pending', 'released'] as const;
export type MoneyReleaseStatus = (typeof MONEY_RELEASE_STATUSES)[number];

export const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  (values as readonly unknown[]).includes(value);
