import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../database/keyset';
import { DISPUTE_STATUSES } from '../disputes.schema';

export class DisputeListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES)
  status?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Documentation due before this instant (exclusive)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  deadline_before?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}
