import type { PaymentCreateRequest } from 'mercadopago/dist/clients/payment/create/types';
import type { PaymentResponse } from 'mercadopago/dist/clients/payment/commonTypes';
import type { RefundResponse } from 'mercadopago/dist/clients/paymentRefund/commonTypes';
import { toMajorNumber, toMinorUnits } from '../common/money';
import type {
  CreatePaymentRequest,
  GatewayPayment,
  GatewayRefund,
} from '../payments/payment-gateway.port';
import { isGatewayStatus } from '../payments/payment-status';

/** Mercado Pago answered something we cannot read: an error, never a guess. */
export class UnexpectedGatewayResponse extends Error {}

const optional = <T>(value: T | null | undefined): T | null => value ?? null;
const date = (value: string | null | undefined) => (value ? new Date(value) : null);
const minorOrZero = (value: number | undefined, currency: string) =>
  value ? toMinorUnits(value, currency) : 0;

export function toGatewayPayment(response: PaymentResponse): GatewayPayment {
  const { id, status, currency_id: currency } = response;
  if (typeof id !== 'number' || !status || !currency) {
    throw new UnexpectedGatewayResponse('payment without id, status or currency');
  }
  if (!isGatewayStatus(status)) {
    throw new UnexpectedGatewayResponse(`unknown payment status "${status}"`);
  }
  return {
    mercadopagoId: id,
    status,
    statusDetail: optional(response.status_detail),
    currencyId: currency,
    amount: minorOrZero(response.transaction_amount, currency),
    amountRefunded: minorOrZero(response.transaction_amount_refunded, currency),
    installments: response.installments ?? 1,
    paymentMethodId: response.payment_method_id ?? '',
    paymentTypeId: optional(response.payment_type_id),
    // issuer_id comes back as a string even though requests may send a number.
    issuerId: response.issuer_id != null ? String(response.issuer_id) : null,
    captured: response.captured ?? false,
    externalReference: optional(response.external_reference),
    description: optional(response.description),
    statementDescriptor: optional(response.statement_descriptor),
    payerEmail: optional(response.payer?.email),
    cardFirstSixDigits: optional(response.card?.first_six_digits),
    cardLastFourDigits: optional(response.card?.last_four_digits),
    liveMode: response.live_mode ?? false,
    dateCreated: date(response.date_created),
    dateApproved: date(response.date_approved),
    dateLastUpdated: date(response.date_last_updated),
  };
}

export function toGatewayRefund(response: RefundResponse, currency: string): GatewayRefund {
  if (typeof response.id !== 'number') throw new UnexpectedGatewayResponse('refund without id');
  return {
    mercadopagoId: response.id,
    amount: minorOrZero(response.amount, currency),
    status: response.status ?? 'approved',
  };
}

export function toPaymentBody(request: CreatePaymentRequest): PaymentCreateRequest {
  const { payer } = request;
  return {
    token: request.token,
    transaction_amount: toMajorNumber(request.amount, request.currencyId),
    installments: request.installments,
    payment_method_id: request.paymentMethodId,
    issuer_id: request.issuerId !== undefined ? Number(request.issuerId) : undefined,
    payer: {
      email: payer.email,
      identification: payer.identification,
      first_name: payer.firstName,
      last_name: payer.lastName,
      type: payer.type,
      id: payer.id,
    },
    description: request.description,
    external_reference: request.externalReference,
    statement_descriptor: request.statementDescriptor,
    metadata: request.metadata,
    capture: request.capture,
    binary_mode: request.binaryMode,
    notification_url: request.notificationUrl,
  };
}
