import { Secret } from '../common/secret';

/** Mercado Pago's documented documentation_status values; any other is an unreadable answer. */
export const DOCUMENTATION_STATUSES = [
  'pending',
  'review_pending',
  'valid',
  'invalid',
  'not_supplied',
  'not_applicable',
] as const;
export type DocumentationStatus = (typeof DOCUMENTATION_STATUSES)[number];

export const isDocumentationStatus = (value: unknown): value is DocumentationStatus =>
  (DOCUMENTATION_STATUSES as readonly unknown[]).includes(value);

/** A chargeback as Mercado Pago reports it (GET /v1/chargebacks/{id}), narrowed, minor units. */
export interface GatewayChargeback {
  id: string;
  /** Mercado Pago's ids of the payments the case covers (its `payments`). */
  paymentIds: number[];
  currencyId: string;
  amount: number;
  reason: string | null;
  /** null until Mercado Pago decides; true: decided for the seller. */
  coverageApplied: boolean | null;
  coverageEligible: boolean | null;
  documentationRequired: boolean | null;
  documentationStatus: DocumentationStatus;
  documentationDeadline: Date | null;
  dateCreated: Date | null;
  dateLastUpdated: Date | null;
  liveMode: boolean;
}

/** The port disputes owns; mercadopago/ implements it with the SDK's Chargeback client. */
export abstract class DisputeGateway {
  abstract getChargeback(accessToken: Secret, id: string): Promise<GatewayChargeback>;
}
