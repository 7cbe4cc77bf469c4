import type { PaymentCreateRequest } from 'mercadopago/dist/clients/payment/create/types';
import type { PaymentResponse } from 'mercadopago/dist/clients/payment/commonTypes';
import type { RefundResponse } from 'mercadopago/dist/clients/paymentRefund/commonTypes';
import { toMajorNumber, toMinorUnits } from '../common/money';
import {
  PAYMENT_REFERENCE_KEY,
  type CreatePaymentRequest,
  type FeeDetail,
  type GatewayPayment,
  type GatewayRefund,
  type ThreeDsInfo,
} from '../payments/payment-gateway.port';
import {
  FEE_PAYERS,
  FEE_TYPES,
  MONEY_RELEASE_STATUSES,
  type GatewayStatus,
  isGatewayRefundStatus,
  isGatewayStatus,
  isOneOf,
} from '../payments/payment-status';

/** Mercado Pago answered something we cannot read: an error, never a guess. */
export class UnexpectedGatewayResponse extends Error {}

/**
 * Every status_detail Mercado Pago documents, per status (docs/mercadopago-api.md §3). An unknown
 * pair is an unexpected answer: the payment stays resumable and the log names the value, rather
 * than a guess about what it means for the money.
 */
const STATUS_DETAILS: Record<GatewayStatus, readonly string[] | 'any'> = {
  approved: ['accredited', 'partially_refunded', 'partially_bpp_covered', 'partially_bpp_refunded'],
  authorized: ['pending_capture'],
  pending: [
    'pending_waiting_payment',
    'pending_waiting_transfer',
    'pending_challenge',
    'pending_provider_response',
    'pending_review_manual',
    'pending_contingency',
  ],
  in_process: [
    'pending_contingency',
    'pending_review_manual',
    'offline_process',
    'deferred_retry',
    'pending_provider_response',
  ],
  // Mercado Pago documents no status_detail for mediation.
  in_mediation: 'any',
  rejected: [
    'bank_error',
    'cc_rejected_3ds_challenge',
    'cc_rejected_3ds_mandatory',
    'cc_rejected_bad_filled_card_number',
    'cc_rejected_bad_filled_date',
    'cc_rejected_bad_filled_other',
    'cc_rejected_bad_filled_security_code',
    'cc_rejected_blacklist',
    'cc_rejected_call_for_authorize',
    'cc_rejected_card_disabled',
    'cc_rejected_card_error',
    'cc_rejected_duplicated_payment',
    'cc_rejected_high_risk',
    'cc_rejected_insufficient_amount',
    'cc_rejected_invalid_installments',
    'cc_rejected_max_attempts',
    'cc_rejected_other_reason',
    'cc_amount_rate_limit_exceeded',
    'rejected_insufficient_data',
    'rejected_by_bank',
    'rejected_by_regulations',
    'insufficient_amount',
    'cc_rejected_card_type_not_allowed',
  ],
  cancelled: ['expired', 'by_collector', 'by_payer', 'by_admin'],
  refunded: ['refunded', 'by_admin', 'partially_bpp_refunded'],
  charged_back: ['settled', 'reimbursed', 'in_process'],
};

const optional = <T>(value: T | null | undefined): T | null => value ?? null;
const date = (value: string | null | undefined) => (value ? new Date(value) : null);

function required<T>(value: T | null | undefined, field: string, what = 'payment'): T {
  if (value === null || value === undefined) {
    throw new UnexpectedGatewayResponse(`${what} without ${field}`);
  }
  return value;
}

function amount(value: unknown, field: string, currency: string, what = 'payment'): number {
  if (typeof value !== 'number' || value < 0) {
    throw new UnexpectedGatewayResponse(`${what} without a readable ${field}`);
  }
  return value === 0 ? 0 : toMinorUnits(value, currency);
}

/** An optional amount: absent is null, present must be readable. */
function optionalAmount(value: unknown, field: string, currency: string): number | null {
  return value === null || value === undefined ? null : amount(value, field, currency);
}

function feeDetails(value: PaymentResponse['fee_details'], currency: string): FeeDetail[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new UnexpectedGatewayResponse('fee_details is not a list');
  return value.map((fee) => {
    if (!isOneOf(FEE_TYPES, fee?.type)) {
      throw new UnexpectedGatewayResponse(`unknown fee type "${String(fee?.type)}"`);
    }
    if (!isOneOf(FEE_PAYERS, fee.fee_payer)) {
      throw new UnexpectedGatewayResponse(`unknown fee_payer "${String(fee.fee_payer)}"`);
    }
    return {
      type: fee.type,
      amount: amount(fee.amount, 'fee amount', currency),
      feePayer: fee.fee_payer,
    };
  });
}

function moneyReleaseStatus(value: string | null | undefined) {
  if (value === null || value === undefined) return null;
  if (!isOneOf(MONEY_RELEASE_STATUSES, value)) {
    throw new UnexpectedGatewayResponse(`unknown money_release_status "${value}"`);
  }
  return value;
}

function statusDetail(status: GatewayStatus, detail: string | undefined): string {
  const known = STATUS_DETAILS[status];
  if (!detail || (known !== 'any' && !known.includes(detail))) {
    throw new UnexpectedGatewayResponse(
      `unknown status_detail "${detail ?? ''}" for status ${status}`,
    );
  }
  return detail;
}

function reference(metadata: unknown): string | null {
  const value = (metadata as Record<string, unknown> | null | undefined)?.[PAYMENT_REFERENCE_KEY];
  return typeof value === 'string' ? value : null;
}

export function toGatewayPayment(response: PaymentResponse): GatewayPayment {
  const { id, status, currency_id: currency } = response;
  if (typeof id !== 'number' || !status || !currency) {
    throw new UnexpectedGatewayResponse('payment without id, status or currency');
  }
  if (!isGatewayStatus(status)) {
    throw new UnexpectedGatewayResponse(`unknown payment status "${status}"`);
  }
  if (typeof response.captured !== 'boolean' || typeof response.live_mode !== 'boolean') {
    throw new UnexpectedGatewayResponse('payment without captured or live_mode');
  }
  if (typeof response.installments !== 'number') {
    throw new UnexpectedGatewayResponse('payment without installments');
  }
  return {
    mercadopagoId: id,
    reference: reference(response.metadata),
    status,
    statusDetail: statusDetail(status, response.status_detail),
    currencyId: currency,
    amount: amount(response.transaction_amount, 'transaction_amount', currency),
    amountRefunded: amount(
      response.transaction_amount_refunded,
      'transaction_amount_refunded',
      currency,
    ),
    installments: response.installments,
    paymentMethodId: required(response.payment_method_id, 'payment_method_id'),
    paymentTypeId: optional(response.payment_type_id),
    // issuer_id comes back as a string even though requests may send a number.
    issuerId: response.issuer_id != null ? String(response.issuer_id) : null,
    captured: response.captured,
    externalReference: optional(response.external_reference),
    description: optional(response.description),
    statementDescriptor: optional(response.statement_descriptor),
    payerEmail: optional(response.payer?.email),
    cardFirstSixDigits: optional(response.card?.first_six_digits),
    cardLastFourDigits: optional(response.card?.last_four_digits),
    liveMode: response.live_mode,
    dateCreated: date(response.date_created),
    dateApproved: date(response.date_approved),
    dateLastUpdated: date(response.date_last_updated),
    refunds: required(response.refunds, 'refunds').map((refund) =>
      toGatewayRefund(refund, currency),
    ),
    threeDsInfo: threeDsInfo(response.three_ds_info),
    ...settlement(response, currency),
  };
}

function settlement(response: PaymentResponse, currency: string) {
  const details = response.transaction_details;
  return {
    feeDetails: feeDetails(response.fee_details, currency),
    netReceivedAmount: optionalAmount(
      details?.net_received_amount,
      'net_received_amount',
      currency,
    ),
    totalPaidAmount: optionalAmount(details?.total_paid_amount, 'total_paid_amount', currency),
    installmentAmount: optionalAmount(details?.installment_amount, 'installment_amount', currency),
    overpaidAmount: optionalAmount(details?.overpaid_amount, 'overpaid_amount', currency),
    moneyReleaseDate: date(response.money_release_date),
    moneyReleaseStatus: moneyReleaseStatus(response.money_release_status),
  };
}

/** Only a complete challenge (both the page and its request) is of use to a front end. */
function threeDsInfo(info: PaymentResponse['three_ds_info']): ThreeDsInfo | null {
  const url = info?.external_resource_url;
  const creq = info?.creq;
  return url && creq ? { external_resource_url: url, creq } : null;
}

export function toGatewayRefund(response: RefundResponse, currency: string): GatewayRefund {
  if (typeof response.id !== 'number') throw new UnexpectedGatewayResponse('refund without id');
  const status = response.status;
  if (!status || !isGatewayRefundStatus(status)) {
    throw new UnexpectedGatewayResponse(`unknown refund status "${status ?? ''}"`);
  }
  return {
    mercadopagoId: response.id,
    amount: amount(response.amount, 'amount', currency, 'refund'),
    status,
    dateCreated: date(response.date_created),
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
    metadata: { ...request.metadata, [PAYMENT_REFERENCE_KEY]: request.reference },
    capture: request.capture,
    binary_mode: request.binaryMode,
    notification_url: request.notificationUrl,
    additional_info: request.additionalInfo,
    // Mercado Pago's default is left unsaid, so a payment without 3DS is sent as before.
    three_d_secure_mode:
      request.threeDSecureMode === 'not_supported' ? undefined : request.threeDSecureMode,
  };
}
