import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { toDecimalString, toMajorNumber } from '../../common/money';
import { BuyerMessage, buyerMessage } from '../buyer-messages';
import { THREE_D_SECURE_MODES, type ThreeDsInfo } from '../payment-gateway.port';
import { FEE_PAYERS, FEE_TYPES, MONEY_RELEASE_STATUSES, PAYMENT_STATUSES } from '../payment-status';
import type { PaymentRow, RefundRow } from '../payments.schema';

class BuyerMessageDto implements BuyerMessage {
  @ApiProperty() es: string;
  @ApiProperty() pt: string;
  @ApiProperty() en: string;
}

class PayerSummaryDto {
  @ApiProperty() email: string;
}

class ThreeDsInfoDto implements ThreeDsInfo {
  @ApiProperty({ description: 'Where the front end posts `creq` to show the challenge' })
  external_resource_url: string;
  @ApiProperty({ description: 'The challenge request, posted as the form field `creq`' })
  creq: string;
}

class CardSummaryDto {
  @ApiProperty({ nullable: true, type: String, example: '503143' }) first_six_digits: string | null;
  @ApiProperty({ nullable: true, type: String, example: '6351' }) last_four_digits: string | null;
}

class FeeDetailDto {
  @ApiProperty({ enum: FEE_TYPES, example: 'mercadopago_fee' }) type: string;
  @ApiProperty({ example: 4.49 }) amount: number;
  @ApiProperty({ enum: FEE_PAYERS, example: 'collector' }) fee_payer: string;
}

class TransactionDetailsDto {
  @ApiProperty({ nullable: true, type: Number, example: 95.51 }) net_received_amount: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 100 }) total_paid_amount: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 100 }) installment_amount: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 0 }) overpaid_amount: number | null;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: Number, example: 13100000001 }) mercadopago_id:
    number | null;
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, example: 'accredited' }) status_detail:
    string | null;
  @ApiProperty({ type: BuyerMessageDto }) buyer_message: BuyerMessage;
  @ApiProperty({ example: 100.5 }) transaction_amount: number;
  @ApiProperty({ example: 'BRL' }) currency_id: string;
  @ApiProperty({ example: 0 }) amount_refunded: number;
  @ApiProperty() installments: number;
  @ApiProperty() payment_method_id: string;
  @ApiProperty({ nullable: true, type: String }) payment_type_id: string | null;
  @ApiProperty({ nullable: true, type: String }) issuer_id: string | null;
  @ApiProperty() captured: boolean;
  @ApiProperty({ nullable: true, type: String }) external_reference: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) statement_descriptor: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  metadata: Record<string, unknown> | null;
  @ApiProperty({ type: PayerSummaryDto }) payer: PayerSummaryDto;
  @ApiProperty({ type: CardSummaryDto }) card: CardSummaryDto;
  @ApiProperty() live_mode: boolean;
  @ApiProperty({ format: 'date-time' }) date_created: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) date_approved: string | null;
  @ApiProperty({ format: 'date-time' }) date_last_updated: string;
  @ApiProperty({ enum: THREE_D_SECURE_MODES }) three_d_secure_mode: string;
  @ApiPropertyOptional({
    type: ThreeDsInfoDto,
    description: 'Only while pending / pending_challenge: run the challenge with it',
  })
  three_ds_info?: ThreeDsInfo;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'As sent to Mercado Pago (unit prices as numbers)',
  })
  additional_info: Record<string, unknown> | null;
  @ApiProperty({
    type: [FeeDetailDto],
    nullable: true,
    description: "Mercado Pago's fees, as of its last answer; null until it reports them",
  })
  fee_details: FeeDetailDto[] | null;
  @ApiProperty({ nullable: true, type: Number, example: 95.51 }) net_received_amount: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) money_release_date:
    string | null;
  @ApiProperty({ enum: MONEY_RELEASE_STATUSES, nullable: true, type: String })
  money_release_status: string | null;
  @ApiProperty({ type: TransactionDetailsDto }) transaction_details: TransactionDetailsDto;
  @ApiPropertyOptional({
    description: 'Why Mercado Pago refused the request (status failed)',
    type: 'object',
    additionalProperties: true,
  })
  failure?: unknown;

  static from(row: PaymentRow): PaymentDto {
    const dto: PaymentDto = {
      id: row.id,
      mercadopago_id: row.mercadopagoId,
      credential_id: row.credentialId,
      status: row.status,
      status_detail: row.statusDetail,
      buyer_message: buyerMessage({
        status: row.status,
        statusDetail: row.statusDetail,
        amount: toDecimalString(row.amount, row.currencyId),
        currency: row.currencyId,
        paymentMethodId: row.paymentMethodId,
        installments: row.installments,
        statementDescriptor: row.statementDescriptor,
      }),
      transaction_amount: toMajorNumber(row.amount, row.currencyId),
      currency_id: row.currencyId,
      amount_refunded: row.amountRefunded ? toMajorNumber(row.amountRefunded, row.currencyId) : 0,
      installments: row.installments,
      payment_method_id: row.paymentMethodId,
      payment_type_id: row.paymentTypeId,
      issuer_id: row.issuerId,
      captured: row.captured,
      external_reference: row.externalReference,
      description: row.description,
      statement_descriptor: row.statementDescriptor,
      metadata: row.metadata,
      payer: { email: row.payerEmail },
      card: { first_six_digits: row.cardFirstSixDigits, last_four_digits: row.cardLastFourDigits },
      live_mode: row.liveMode,
      date_created: row.createdAt.toISOString(),
      date_approved: row.dateApproved?.toISOString() ?? null,
      date_last_updated: (row.gatewayUpdatedAt ?? row.updatedAt).toISOString(),
      three_d_secure_mode: row.threeDSecureMode,
      additional_info: row.additionalInfo,
      ...settlement(row),
    };
    if (row.threeDsInfo && row.statusDetail === 'pending_challenge') {
      dto.three_ds_info = row.threeDsInfo;
    }
    if (row.failure) dto.failure = row.failure;
    return dto;
  }
}

function settlement(row: PaymentRow) {
  const major = (minor: number | null) =>
    minor === null ? null : toMajorNumber(minor, row.currencyId);
  return {
    fee_details:
      row.feeDetails?.map((fee) => ({
        type: fee.type,
        amount: toMajorNumber(fee.amount, row.currencyId),
        fee_payer: fee.fee_payer,
      })) ?? null,
    net_received_amount: major(row.netReceivedAmount),
    money_release_date: row.moneyReleaseDate?.toISOString() ?? null,
    money_release_status: row.moneyReleaseStatus,
    transaction_details: {
      net_received_amount: major(row.netReceivedAmount),
      total_paid_amount: major(row.totalPaidAmount),
      installment_amount: major(row.installmentAmount),
      overpaid_amount: major(row.overpaidAmount),
    },
  };
}

/** A chargeback on the payment, in short; GET /v1/disputes/{id} has the rest. */
export class PaymentDisputeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'open', enum: ['open', 'in_review', 'won', 'lost'] }) status: string;
  @ApiProperty({ example: 100.5 }) amount: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  documentation_deadline: string | null;
}

/** GET /v1/payments/{id}: the payment and its disputes (lists and events leave them out). */
export class PaymentDetailDto extends PaymentDto {
  @ApiProperty({ type: [PaymentDisputeDto] }) disputes: PaymentDisputeDto[];
}

export class PaymentListDto {
  @ApiProperty({ type: [PaymentDto] }) data: PaymentDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class RefundDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) payment_id: string;
  @ApiProperty({ nullable: true, type: Number }) mercadopago_id: number | null;
  @ApiProperty({ example: 10.5 }) amount: number;
  @ApiProperty({ example: 'approved' }) status: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) failure?: unknown;

  static from(row: RefundRow, currencyId: string): RefundDto {
    const dto: RefundDto = {
      id: row.id,
      payment_id: row.paymentId,
      mercadopago_id: row.mercadopagoId,
      amount: toMajorNumber(row.amount, currencyId),
      status: row.status,
      created_at: row.createdAt.toISOString(),
    };
    if (row.failure) dto.failure = row.failure;
    return dto;
  }
}

export class RefundListDto {
  @ApiProperty({ type: [RefundDto] }) data: RefundDto[];
}
