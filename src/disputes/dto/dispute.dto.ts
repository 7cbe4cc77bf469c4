import { ApiProperty } from '@nestjs/swagger';
import { toMajorNumber } from '../../common/money';
import { DOCUMENTATION_STATUSES } from '../dispute-gateway.port';
import { DISPUTE_STATUSES, type DisputeRow } from '../disputes.schema';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export class DisputeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '233000061680860000', description: "Mercado Pago's chargeback id" })
  mercadopago_id: string;
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty({ format: 'uuid', description: 'Our payment' }) payment_id: string;
  @ApiProperty({ example: 13100000001 }) payment_mercadopago_id: number;
  @ApiProperty({
    enum: DISPUTE_STATUSES,
    description:
      'open: documentation awaited; in_review: awaiting the decision; won: covered; lost: not covered',
  })
  status: string;
  @ApiProperty({ enum: DOCUMENTATION_STATUSES }) documentation_status: string;
  @ApiProperty({ example: 100.5 }) amount: number;
  @ApiProperty({ example: 'BRL' }) currency_id: string;
  @ApiProperty({ nullable: true, type: String, example: 'fraud' }) reason: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) documentation_required: boolean | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  documentation_deadline: string | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'null until decided' })
  coverage_applied: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) coverage_eligible: boolean | null;
  @ApiProperty() live_mode: boolean;
  @ApiProperty({ format: 'date-time', description: "Mercado Pago's, else when we first saw it" })
  date_created: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  date_last_updated: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When decided' })
  date_resolved: string | null;

  static from(row: DisputeRow): DisputeDto {
    return {
      id: row.id,
      mercadopago_id: row.mercadopagoId,
      credential_id: row.credentialId,
      payment_id: row.paymentId,
      payment_mercadopago_id: row.paymentMercadopagoId,
      status: row.status,
      documentation_status: row.documentationStatus,
      amount: toMajorNumber(row.amount, row.currencyId),
      currency_id: row.currencyId,
      reason: row.reason,
      documentation_required: row.documentationRequired,
      documentation_deadline: iso(row.documentationDeadline),
      coverage_applied: row.coverageApplied,
      coverage_eligible: row.coverageEligible,
      live_mode: row.liveMode,
      date_created: (row.gatewayCreatedAt ?? row.createdAt).toISOString(),
      date_last_updated: iso(row.gatewayUpdatedAt),
      date_resolved: iso(row.resolvedAt),
    };
  }
}

export class DisputeListDto {
  @ApiProperty({ type: [DisputeDto] }) data: DisputeDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor: string | null;
}
