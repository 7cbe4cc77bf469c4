import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIP,
  IsISO8601,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsAmount } from './amount.validator';

/** Mercado Pago types street numbers as strings; a JSON number is taken and sent as one. */
const numberAsString = Transform(({ value }: { value: unknown }) =>
  typeof value === 'number' ? String(value) : value,
);

/** An optional object of another DTO, validated in depth. */
const nested = (type: new () => object) =>
  applyDecorators(
    ApiPropertyOptional({ type }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => type),
  );

/** An optional string of 1 to `max` characters. */
const text = (max: number, example?: string) =>
  applyDecorators(
    ...(example === undefined ? [] : [ApiPropertyOptional({ example, maxLength: max })]),
    IsOptional(),
    IsString(),
    Length(1, max),
  );

export const ADDITIONAL_INFO_LIMITS = { items: 100, quantity: 10_000 };

export class AdditionalInfoItemDto {
  @ApiProperty({ example: 'sku-123', maxLength: 256 })
  @IsString()
  @Length(1, 256)
  id: string;

  @ApiProperty({ example: 'Blue mug', maxLength: 256 })
  @IsString()
  @Length(1, 256)
  title: string;

  @ApiPropertyOptional({ example: 'Ceramic mug, 300 ml', maxLength: 600 })
  @text(600)
  description?: string;

  @ApiPropertyOptional({ example: 'home', maxLength: 256, description: "Mercado Pago's category" })
  @text(256)
  category_id?: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: ADDITIONAL_INFO_LIMITS.quantity })
  @IsInt()
  @Min(1)
  @Max(ADDITIONAL_INFO_LIMITS.quantity)
  quantity: number;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 50.25,
    description: "Major units, at most the currency's decimals (number or decimal string)",
  })
  @IsAmount()
  unit_price: number | string;
}

export class AdditionalInfoPhoneDto {
  @ApiPropertyOptional({ example: '11' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,5}$/, { message: 'area_code must be 1–5 digits' })
  area_code?: string;

  @ApiPropertyOptional({ example: '987654321' })
  @IsOptional()
  @IsString()
  @Matches(/^[\d -]{3,20}$/, { message: 'number must be 3–20 digits, spaces or dashes' })
  number?: string;
}

export class AdditionalInfoAddressDto {
  @text(20, '01310-100')
  zip_code?: string;

  @text(256, 'Avenida Paulista')
  street_name?: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'number' }], example: '1000' })
  @numberAsString
  @text(20)
  street_number?: string;
}

export class AdditionalInfoPayerDto {
  @text(100, 'Ana')
  first_name?: string;

  @text(100, 'Silva')
  last_name?: string;

  @nested(AdditionalInfoPhoneDto)
  phone?: AdditionalInfoPhoneDto;

  @nested(AdditionalInfoAddressDto)
  address?: AdditionalInfoAddressDto;

  @ApiPropertyOptional({
    example: '2024-03-01T12:00:00.000-03:00',
    description: 'When the buyer registered with you (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(40)
  registration_date?: string;
}

export class ReceiverAddressDto extends AdditionalInfoAddressDto {
  @text(100, 'SP')
  state_name?: string;

  @text(100, 'São Paulo')
  city_name?: string;

  @text(20, '3')
  floor?: string;

  @text(20, '31B')
  apartment?: string;
}

export class ShipmentsDto {
  @nested(ReceiverAddressDto)
  receiver_address?: ReceiverAddressDto;
}

/** What Mercado Pago strongly recommends for its fraud scoring, in its own shape. */
export class AdditionalInfoDto {
  @ApiPropertyOptional({ type: [AdditionalInfoItemDto], maxItems: ADDITIONAL_INFO_LIMITS.items })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ADDITIONAL_INFO_LIMITS.items)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AdditionalInfoItemDto)
  items?: AdditionalInfoItemDto[];

  @nested(AdditionalInfoPayerDto)
  payer?: AdditionalInfoPayerDto;

  @nested(ShipmentsDto)
  shipments?: ShipmentsDto;

  @ApiPropertyOptional({ example: '203.0.113.7', description: "The buyer's IP address" })
  @IsOptional()
  @IsIP()
  ip_address?: string;
}
