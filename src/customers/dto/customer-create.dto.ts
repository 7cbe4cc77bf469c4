import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { ApiBodyExample } from '../../common/openapi/openapi-document';
import { PayerDto } from '../../payments/dto/payment-create.dto';

/** Emails are matched case-insensitively, here and (as far as we rely on it) at Mercado Pago. */
const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value;

/** The payer's names and document, as a payment takes them. */
@ApiBodyExample({
  email: 'buyer@example.com',
  first_name: 'Ana',
  last_name: 'Silva',
  identification: { type: 'CPF', number: '12345678909' },
})
export class CustomerCreateDto extends PickType(PayerDto, [
  'first_name',
  'last_name',
  'identification',
] as const) {
  @ApiProperty({ example: 'buyer@example.com', description: 'Stored lower-cased' })
  @Transform(lowerCase)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The default credentials when omitted' })
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}

export class CustomerListQuery {
  @ApiProperty({ example: 'buyer@example.com' })
  @Transform(lowerCase)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the customer of these credentials' })
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}

// Like a payment's, the token must be a fresh one (see PaymentCreateDto).
@ApiBodyExample({ token: 'paste-a-fresh-card-token-here' })
export class CardCreateDto {
  @ApiProperty({
    description: 'Card token made by the front end with the public key; the card it names is saved',
  })
  @IsString()
  @Matches(/^[\w-]{8,128}$/, {
    message: 'token must be a card token (8–128 letters, digits, _ or -)',
  })
  token: string;
}

export class CustomerParams {
  @ApiProperty({ format: 'uuid', description: 'Our customer id' })
  @IsUUID()
  id: string;
}

export class CustomerCardParams extends CustomerParams {
  @ApiProperty({ example: '1493990563105', description: "Mercado Pago's saved card id" })
  @Matches(/^\d{1,24}$/, { message: 'card_id must be a saved card id (digits)' })
  card_id: string;
}
