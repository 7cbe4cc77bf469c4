import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { IsAmount } from '../../payments/dto/amount.validator';

const BIN = /^\d{6,8}$/;
const BIN_MESSAGE = 'bin must be the first 6 to 8 digits of the card number';
/** Mercado Pago's method ids: visa, master, debvisa, amex, elo, account_money, … */
const PAYMENT_METHOD_ID = /^[a-z][a-z0-9_]{1,39}$/;

export class CredentialsParams {
  // Like the public key's route: an id that names no credentials is a 404, not a 400.
  @ApiProperty({ description: 'Credentials id, or "default" for the default', example: 'default' })
  @IsString()
  id: string;
}

export class CardBinParams extends CredentialsParams {
  @ApiProperty({ description: 'The first 6 to 8 digits of the card number', example: '503143' })
  @Matches(BIN, { message: BIN_MESSAGE })
  bin: string;
}

export class InstallmentsQueryDto {
  @ApiProperty({
    description: "Amount to split, in major units with at most the currency's decimals",
    example: '100.00',
    type: String,
  })
  @IsAmount()
  amount: string;

  @ApiPropertyOptional({
    description: 'First 6 to 8 digits of the card (bin or payment_method_id is required)',
    example: '503143',
  })
  @ValidateIf((query: InstallmentsQueryDto) => query.bin !== undefined || !query.payment_method_id)
  @Matches(BIN, { message: `${BIN_MESSAGE} (bin or payment_method_id is required)` })
  bin?: string;

  @ApiPropertyOptional({ description: "Mercado Pago's payment method id", example: 'master' })
  @IsOptional()
  @Matches(PAYMENT_METHOD_ID, {
    message: 'payment_method_id must be a Mercado Pago payment method id (e.g. visa, master)',
  })
  payment_method_id?: string;
}
