import { Secret } from '../common/secret';
import type { GatewayStatus } from './payment-status';

/** A payment as Mercado Pago reports it, already narrowed and in minor units. */
export interface GatewayPayment {
  mercadopagoId: number;
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
}

export interface GatewayRefund {
  mercadopagoId: number;
  amount: number;
  status: string;
}

/** What we ask Mercado Pago to charge; stored as is until settled, so a retry sends the same. */
export interface CreatePaymentRequest {
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

  /** A full refund when `minor` is undefined. */
  abstract refund(
    accessToken: Secret,
    mercadopagoId: number,
    amount: { minor?: number; currencyId: string },
    idempotencyKey: string,
  ): Promise<GatewayRefund>;
}
