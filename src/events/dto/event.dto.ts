import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { RequestValidationError } from '../../common/errors/domain-error';
import { PageQuery } from '../../database/keyset';
import { EVENT_TYPES, EventBody } from '../event-types';
import { DELIVERY_STATUSES, DeliveryStatus, EventDeliveryRow } from '../webhook-endpoints.schema';
import { eventIdOf } from '../standard-webhooks';

/** Exactly the body subscribers receive. */
export class EventDto implements EventBody {
  @ApiProperty({ example: 'evt_3f2b8c1e9a4b4c0e8d2f0a1b2c3d4e5f', description: '= webhook-id' })
  id: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'payment.approved' }) type: string;

  @ApiProperty({ format: 'date-time', description: 'When the change happened' }) timestamp: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The payment as GET /v1/payments/{id} returned it at that change; for ping, {endpoint_id}',
  })
  data: Record<string, unknown>;
}

export class EventListDto {
  @ApiProperty({ type: [EventDto] }) data: EventDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class EventListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Our payment id (for dispute.* events: our dispute id)',
  })
  @IsOptional()
  @IsUUID()
  payment_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  created_from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  created_to?: string;
}

/** Event pages are in seq order (exact, unlike timestamps): the cursor is the last seq, opaque. */
export const encodeSeqCursor = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');

export function decodeSeqCursor(cursor: string): number {
  const match = /^seq:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new RequestValidationError([
      { field: 'cursor', messages: ['is not a cursor this service gave out'] },
    ]);
  }
  return Number(match[1]);
}

export class RedeliverDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only to this endpoint; omitted = every endpoint the event went to',
  })
  @IsOptional()
  @IsUUID()
  endpoint_id?: string;
}

export class RedeliveryDto {
  @ApiProperty({ description: 'The same id (and webhook-id) as before' }) event_id: string;
  @ApiProperty({ type: [String], description: 'Endpoints it was queued for' })
  endpoint_ids: string[];
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() event_id: string;
  @ApiProperty({ enum: EVENT_TYPES }) event_type: string;
  @ApiProperty({ format: 'uuid', description: 'The payment (the endpoint, for ping)' })
  subject_id: string;
  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description:
      'pending (due at next_attempt_at, or waiting for an earlier event of the same payment), sending, delivered, dead',
  })
  status: DeliveryStatus;
  @ApiProperty({ description: 'Attempts made so far' }) attempt: number;
  @ApiProperty({ nullable: true, type: Number, description: "The last attempt's HTTP status" })
  response_status: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'At most 1 KB of the last answer' })
  response_body: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  next_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  last_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  delivered_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(row: EventDeliveryRow): DeliveryDto {
    return {
      id: row.id,
      event_id: eventIdOf(row.eventId),
      event_type: row.eventType,
      subject_id: row.subjectId,
      status: row.status,
      attempt: row.attempts,
      response_status: row.responseStatus,
      response_body: row.responseBody,
      error: row.lastError,
      duration_ms: row.durationMs,
      next_attempt_at: row.status === 'pending' ? row.runAt.toISOString() : null,
      last_attempt_at: row.lastAttemptAt?.toISOString() ?? null,
      delivered_at: row.deliveredAt?.toISOString() ?? null,
      created_at: row.createdAt.toISOString(),
    };
  }
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto] }) data: DeliveryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}
