import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../../database/keyset';
import {
  NOTIFICATION_STATUSES,
  NotificationRow,
  NotificationStatus,
} from '../notifications.schema';

const SIGNATURES = ['verified', 'verified_previous_secret', 'unsigned_ipn'] as const;

export class WebhookAckDto {
  @ApiProperty({
    enum: ['accepted', 'ignored'],
    description:
      'ignored: a topic we do not process, or IPN (unsigned) that joined no notification ' +
      'already open for its payment, or any IPN while WEBHOOK_ACCEPT_IPN=false',
  })
  status: 'accepted' | 'ignored';
}

export class NotificationChannelsDto {
  @ApiProperty({ description: 'Signed webhooks received (retries and duplicates included)' })
  webhook: number;

  @ApiProperty({ description: 'Legacy IPN requests received' })
  ipn: number;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  credential_id: string;

  @ApiProperty({ example: 'payment' })
  topic: string;

  @ApiProperty({ type: String, nullable: true, description: "Mercado Pago's id (data.id)" })
  resource_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'payment.updated' })
  action: string | null;

  @ApiProperty({
    enum: NOTIFICATION_STATUSES,
    description:
      'pending (due at next_attempt_at), processing, done, dead (gave up; retry it), ignored (topic not processed)',
  })
  status: NotificationStatus;

  @ApiProperty({
    enum: SIGNATURES,
    description:
      'Rejected signatures are never stored; IPN cannot be signed, so it never creates a row ' +
      '(unsigned_ipn: rows stored before that rule)',
  })
  signature: (typeof SIGNATURES)[number];

  @ApiProperty({ description: 'Requests folded into this row, all channels' })
  received_count: number;

  @ApiProperty({ type: NotificationChannelsDto })
  channels: NotificationChannelsDto;

  @ApiProperty()
  attempts: number;

  @ApiProperty({ type: String, nullable: true })
  last_error: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Our payment' })
  payment_id: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: "The payment's date_last_updated as read when processed",
  })
  resource_version: string | null;

  @ApiProperty({ format: 'date-time' })
  received_at: string;

  @ApiProperty({ format: 'date-time' })
  last_received_at: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  next_attempt_at: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  processed_at: string | null;

  static from(row: NotificationRow): NotificationDto {
    return {
      id: row.id,
      credential_id: row.credentialId,
      topic: row.topic,
      resource_id: row.resourceId,
      action: row.action,
      status: row.status,
      signature:
        row.signature === 'current'
          ? 'verified'
          : row.signature === 'previous'
            ? 'verified_previous_secret'
            : 'unsigned_ipn',
      received_count: row.webhookCount + row.ipnCount,
      channels: { webhook: row.webhookCount, ipn: row.ipnCount },
      attempts: row.attempts,
      last_error: row.lastError,
      payment_id: row.paymentId,
      resource_version: row.resourceVersion?.toISOString() ?? null,
      received_at: row.receivedAt.toISOString(),
      last_received_at: row.lastReceivedAt.toISOString(),
      next_attempt_at: row.status === 'pending' ? row.runAt.toISOString() : null,
      processed_at: row.processedAt?.toISOString() ?? null,
    };
  }
}

export class NotificationListDto {
  @ApiProperty({ type: [NotificationDto] })
  data: NotificationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor: string | null;
}

export class NotificationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;

  @ApiPropertyOptional({ example: 'payment' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  topic?: string;

  @ApiPropertyOptional({
    description: "Mercado Pago's id of the resource (payment or chargeback id)",
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  resource_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}
