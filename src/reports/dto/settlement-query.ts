import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

export class SettlementQuery {
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-01T00:00:00Z',
    description:
      'Inclusive: movements (approvals, refunds, chargebacks opened or won) at or after it',
  })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-12-01T00:00:00Z',
    description: 'Exclusive; after `from`, at most SETTLEMENT_REPORT_MAX_DAYS later',
  })
  @IsISO8601({ strict: true })
  to: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only these credentials’ money' })
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}
