import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { ApiBodyExample } from '../../common/openapi/openapi-document';
import { SUBSCRIBABLE_EVENT_TYPES } from '../event-types';
import type { WebhookEndpointRow } from '../webhook-endpoints.schema';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const EVENT_TYPES_DOC = {
  isArray: true,
  enum: [...SUBSCRIBABLE_EVENT_TYPES],
  description: 'The types this endpoint receives; omitted (or null) = every type',
  example: ['payment.approved', 'payment.refunded'],
};

@ApiBodyExample({
  url: 'https://orders.internal/hooks/payments',
  event_types: EVENT_TYPES_DOC.example,
  description: 'Order service',
})
export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://orders.internal/hooks/payments', maxLength: 2048 })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional(EVENT_TYPES_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true })
  event_types?: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

@ApiBodyExample({ event_types: EVENT_TYPES_DOC.example, enabled: true })
export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ ...EVENT_TYPES_DOC, nullable: true })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true })
  event_types?: string[] | null;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ description: 'false stops deliveries (they wait); true resumes them' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ ...EVENT_TYPES_DOC, nullable: true, description: 'null: every type' })
  event_types: string[] | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() enabled: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['failing'],
    description: 'failing: turned off after failing for EVENT_ENDPOINT_DISABLE_AFTER_HOURS',
  })
  disabled_reason: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(row: WebhookEndpointRow): WebhookEndpointDto {
    return {
      id: row.id,
      url: row.url,
      event_types: row.eventTypes,
      description: row.description,
      enabled: row.enabled,
      disabled_reason: row.disabledReason,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The Standard Webhooks signing secret: shown in this answer only',
  })
  secret: string;
}

export class WebhookEndpointListDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) data: WebhookEndpointDto[];
}
