import { Secret } from '../common/secret';
import type {
  FeePayer,
  FeeType,
  GatewayRefundStatus,
  GatewayStatus,
  MoneyReleaseStatus,
} from './payment-status';

/**
 * The metadata key that carries our payment id to Mercado Pago and back (Mercado Pago snake_cases
 * metadata keys, so it is snake_case already): every path that learns of a payment finds our row
 * by it, even when the answer that would have told us Mercado Pago's id was lost.
 */
export const PAYMENT_REFERENCE_KEY = 'payments_service_id';

/** `not_supported` is Mercado Pago's default; the others may end in a challenge. */
export const THREE_D_SECURE_MODES = ['not_supported', 'optional', 'mandatory'] as const;
export type ThreeDSecureMode = (typeof THREE_D_SECURE_MODES)[number];

/** What the front end needs to run a 3DS challenge (Mercado Pago's `three_ds_info`). */
export interface ThreeDsInfo {
  external_resource_url: string;
  creq: string;
}

/** A payment as Mercado Pago reports it, already narrowed and in minor units. */
export interface GatewayPayment {
  mercadopagoId: number;
  /** Our payment id, from metadata; null for a payment made elsewhere (e.g. the panel). */
  reference: string | null;
  status: GatewayStatus;
  statusDetail: string | null;
  currencyId: string;
  amount: number;
  amountRefunded: number;
  installments: number;
  paymentMethodId: string;
  paymentTypeId: string | null;
  issuerId: string | null;
  captured: boolean;
  externalReference: string | null;
  description: string | null;
  statementDescriptor: string | null;
  payerEmail: string | null;
  cardFirstSixDigits: string | null;
  cardLastFourDigits: string | null;
  liveMode: boolean;
  dateCreated: Date | null;
  dateApproved: Date | null;
  dateLastUpdated: Date | null;
  /** Every refund Mercado Pago holds for it, including those made in its panel. */
  refunds: GatewayRefund[];
  threeDsInfo: ThreeDsInfo | null;
  // Settlement: what Mercado Pago keeps and when the rest is released; null when not said.
  feeDetails: FeeDetail[] | null;
  netReceivedAmount: number | null;
  totalPaidAmount: number | null;
  installmentAmount: number | null;
  overpaidAmount: number | null;
  moneyReleaseDate: Date | null;
  moneyReleaseStatus: MoneyReleaseStatus | null;
}

/** One of Mercado Pago's fee_details, its amount in minor units. */
export interface FeeDetail {
  type: FeeType;
  amount: number;
  feePayer: FeePayer;
}

export interface GatewayRefund {
  mercadopagoId: number;
  amount: number;
  status: GatewayRefundStatus;
  dateCreated: Date | null;
}

/** Where to look for a charge whose answer was lost: its creation window. */
export interface ChargeSearch {
  reference: string;
  createdFrom: Date;
  createdTo: Date;
}

/** One page of the payments Mercado Pago changed in a window, oldest change first. */
export interface UpdatedSearch {
  updatedFrom: Date;
  updatedTo: Date;
  offset: number;
  limit: number;
}

/**
 * A search result: its place in the order (id, date_last_updated) always, the payment itself
 * only when it could be read; `unreadable` says why not (an unknown status, a missing field).
 */
export interface SearchedPayment {
  mercadopagoId: number;
  dateLastUpdated: Date;
  payment?: GatewayPayment;
  unreadable?: string;
}

/** What we ask Mercado Pago to charge; stored as is until settled, so a retry sends the same. */
export interface CreatePaymentRequest {
  /** Our payment id, sent in metadata under PAYMENT_REFERENCE_KEY. */
  reference: string;
  token: string;
  amount: number;
  currencyId: string;
  installments: number;
  paymentMethodId: string;
  issuerId?: string;
  payer: {
    email: string;
    identification?: { type: string; number: string };
    firstName?: string;
    lastName?: string;
    type?: string;
    id?: string;
  };
  description?: string;
  externalReference?: string;
  statementDescriptor?: string;
  metadata?: Record<string, unknown>;
  capture: boolean;
  binaryMode: boolean;
  notificationUrl?: string;
  /** Mercado Pago's `additional_info`, in its own shape (unit prices as major-unit numbers). */
  additionalInfo?: Record<string, unknown>;
  /** Sent as the X-Meli-Session-Id header (the SDK's `meliSessionId`). */
  deviceId?: string;
  threeDSecureMode: ThreeDSecureMode;
}

/**
 * The port payments owns; mercadopago/ implements it with the official SDK. Every write carries
 * an idempotency key derived from our own records, so any retry of it is harmless.
 */
export abstract class PaymentGateway {
  abstract createPayment(
    accessToken: Secret,
    request: CreatePaymentRequest,
    idempotencyKey: string,
  ): Promise<GatewayPayment>;

  abstract getPayment(accessToken: Secret, mercadopagoId: number): Promise<GatewayPayment>;

  /** The payment created with our reference in that window, if Mercado Pago has one. */
  abstract findByReference(
    accessToken: Secret,
    search: ChargeSearch,
  ): Promise<GatewayPayment | undefined>;

  /** Payments whose date_last_updated falls in the window, by date_last_updated ascending. */
  abstract searchUpdated(accessToken: Secret, search: UpdatedSearch): Promise<SearchedPayment[]>;

  abstract capture(
    accessToken: Secret,
    mercadopagoId: number,
    amount: { minor: number; currencyId: string } | undefined,
    idempotencyKey: string,
  ): Promise<GatewayPayment>;

  abstract cancel(
    accessToken: Secret,
    mercadopagoId: number,
    idempotencyKey: string,
  ): Promise<GatewayPayment>;

  /** A full refund when `minor` is undefined; in_process refunds are shown, not hidden. */
  abstract refund(
    accessToken: Secret,
    mercadopagoId: number,
    amount: { minor?: number; currencyId: string },
    idempotencyKey: string,
  ): Promise<GatewayRefund>;
}
