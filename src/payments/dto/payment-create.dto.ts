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
import { IsAmount } from './amount.validator';
import { IsFlatMetadata } from './metadata.validator';

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

export class PaymentCreateDto {
  @ApiProperty({ description: 'Card token made by the front end with the public key (single use)' })
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

  @ApiProperty({ example: 'visa' })
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
}

export class RefundCreateDto {
  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 10.5,
    description: 'Omit (or send no body) for a full refund of what is left',
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
