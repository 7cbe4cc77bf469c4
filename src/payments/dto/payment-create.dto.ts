import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiBodyExample } from '../../common/openapi/openapi-document';
import { AdditionalInfoDto } from './additional-info.dto';
import { THREE_D_SECURE_MODES, type ThreeDSecureMode } from '../payment-gateway.port';
import { IsAmount } from './amount.validator';
import { IsFlatMetadata } from './metadata.validator';

/** A device session id: what MercadoPago.js makes, with room for other SDKs' formats. */
export const DEVICE_ID = /^[\w.:-]{1,256}$/;
export const DEVICE_ID_MESSAGE = 'must be 1–256 letters, digits, ".", ":", "_" or "-"';

export class IdentificationDto {
  @ApiProperty({ example: 'CPF', description: 'A type valid in the credentials’ country' })
  @IsString()
  @Length(1, 10)
  type: string;

  @ApiProperty({ example: '12345678909', description: 'As a string, to keep leading zeros' })
  @IsString()
  @Matches(/^[0-9A-Za-z.\-/]{1,30}$/, { message: 'number must be 1–30 letters or digits' })
  number: string;
}

export class PayerDto {
  @ApiProperty({ example: 'buyer@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ type: IdentificationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentificationDto)
  identification?: IdentificationDto;

  @ApiPropertyOptional({ example: 'Ana' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  first_name?: string;

  @ApiPropertyOptional({ example: 'Silva' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  last_name?: string;

  @ApiPropertyOptional({
    enum: ['customer', 'guest', 'registered'],
    description: '`customer` (with `id`) when paying with a saved card',
  })
  @IsOptional()
  @IsIn(['customer', 'guest', 'registered'])
  type?: string;

  @ApiPropertyOptional({ example: '1000000001-AbCdEf1234567x', description: 'Customer id' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  id?: string;
}

// Runs as shown against the embedded emulator once `token` is a fresh card token (see the
// README's "Taking a payment": the master card 5031433215406351, cardholder APRO).
@ApiBodyExample({
  token: 'paste-a-fresh-card-token-here',
  transaction_amount: 100.5,
  installments: 1,
  payment_method_id: 'master',
  payer: { email: 'test@testuser.com', identification: { type: 'CPF', number: '12345678909' } },
  description: 'Order 123',
  external_reference: 'order-123',
  metadata: { order_id: 123 },
  additional_info: {
    items: [
      { id: 'sku-123', title: 'Blue mug', category_id: 'home', quantity: 1, unit_price: 100.5 },
    ],
    payer: {
      first_name: 'Ana',
      last_name: 'Silva',
      phone: { area_code: '11', number: '987654321' },
    },
    ip_address: '203.0.113.7',
  },
})
export class PaymentCreateDto {
  @ApiProperty({
    description:
      'Card token made by the front end with the public key (single use); with the embedded ' +
      'emulator, POST /v1/card_tokens on it as the README shows',
  })
  @IsString()
  @Matches(/^[\w-]{8,128}$/, {
    message: 'token must be a card token (8–128 letters, digits, _ or -)',
  })
  token: string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 100.5,
    description: "Major units, at most the currency's decimals (number or decimal string)",
  })
  @IsAmount()
  transaction_amount: number | string;

  @ApiProperty({ example: 1, minimum: 1, maximum: 48 })
  @IsInt()
  @Min(1)
  @Max(48)
  installments: number;

  @ApiProperty({ example: 'master' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,29}$/, {
    message: 'payment_method_id must look like "visa" or "master"',
  })
  payment_method_id: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    example: '25',
    description: 'Returned as a string, like Mercado Pago',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value))
  @IsString()
  @Matches(/^\d{1,12}$/, { message: 'issuer_id must be a numeric id' })
  issuer_id?: string;

  @ApiProperty({ type: PayerDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PayerDto)
  payer: PayerDto;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  description?: string;

  @ApiPropertyOptional({ maxLength: 256, example: 'order-123' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  external_reference?: string;

  @ApiPropertyOptional({ maxLength: 22, example: 'MYSTORE' })
  @IsOptional()
  @IsString()
  @Length(1, 22)
  statement_descriptor?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { order_id: 123 } })
  @IsOptional()
  @IsFlatMetadata()
  metadata?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ default: true, description: 'false → authorize only (capture later)' })
  @IsOptional()
  @IsBoolean()
  capture?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: 'true → approved or rejected, never in_process',
  })
  @IsOptional()
  @IsBoolean()
  binary_mode?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'The default credentials when omitted' })
  @IsOptional()
  @IsUUID()
  credential_id?: string;

  @ApiPropertyOptional({
    type: AdditionalInfoDto,
    description: "Items, payer and shipment details for Mercado Pago's fraud scoring",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AdditionalInfoDto)
  additional_info?: AdditionalInfoDto;

  @ApiPropertyOptional({
    example: 'armor.0123456789abcdef',
    description:
      "MercadoPago.js's device session id (or send the X-Meli-Session-Id header; both must agree)",
  })
  @IsOptional()
  @IsString()
  @Matches(DEVICE_ID, { message: `device_id ${DEVICE_ID_MESSAGE}` })
  device_id?: string;

  @ApiPropertyOptional({
    enum: THREE_D_SECURE_MODES,
    default: 'not_supported',
    description: '3DS: optional or mandatory need capture true and binary_mode false',
  })
  @IsOptional()
  @IsIn(THREE_D_SECURE_MODES)
  three_d_secure_mode?: ThreeDSecureMode;
}

export class RefundCreateDto {
  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    description: 'Omit (or send no body) for a full refund of what is left; e.g. 10.5',
  })
  @IsOptional()
  @IsAmount()
  amount?: number | string;
}

export class CaptureDto {
  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    description: 'Capture less than authorized; omit to capture everything',
  })
  @IsOptional()
  @IsAmount()
  amount?: number | string;
}
