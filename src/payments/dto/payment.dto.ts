import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { toDecimalString, toMajorNumber } from '../../common/money';
import { BuyerMessage, buyerMessage } from '../buyer-messages';
import { PAYMENT_STATUSES } from '../payment-status';
import type { PaymentRow, RefundRow } from '../payments.schema';

class BuyerMessageDto implements BuyerMessage {
  @ApiProperty() es: string;
  @ApiProperty() pt: string;
  @ApiProperty() en: string;
}

class PayerSummaryDto {
  @ApiProperty() email: string;
}

class CardSummaryDto {
  @ApiProperty({ nullable: true, type: String, example: '503143' }) first_six_digits: string | null;
  @ApiProperty({ nullable: true, type: String, example: '6351' }) last_four_digits: string | null;
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
    };
    if (row.failure) dto.failure = row.failure;
    return dto;
  }
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
