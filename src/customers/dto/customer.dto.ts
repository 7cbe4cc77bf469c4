import { ApiProperty } from '@nestjs/swagger';
import type { GatewayCard } from '../customer-gateway.port';
import type { CustomerRow } from '../customers.schema';

export class CustomerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    example: '1000000001-AbCdEf1234567x',
    description: 'Send as `payer.id` (with `payer.type: customer`) to pay with a saved card',
  })
  mercadopago_id: string;
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty({ example: 'buyer@example.com' }) email: string;
  @ApiProperty({ nullable: true, type: String }) first_name: string | null;
  @ApiProperty({ nullable: true, type: String }) last_name: string | null;
  @ApiProperty({ format: 'date-time' }) date_created: string;

  static from(row: CustomerRow): CustomerDto {
    return {
      id: row.id,
      mercadopago_id: row.mercadopagoId,
      credential_id: row.credentialId,
      email: row.email,
      first_name: row.firstName,
      last_name: row.lastName,
      date_created: row.createdAt.toISOString(),
    };
  }
}

export class CustomerListDto {
  @ApiProperty({ type: [CustomerDto], description: 'At most one per credentials' })
  data: CustomerDto[];
}

class CardPaymentMethodDto {
  @ApiProperty({ nullable: true, type: String, example: 'master' }) id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'credit_card' }) payment_type_id:
    string | null;
}

class CardIssuerDto {
  @ApiProperty({ nullable: true, type: String, example: '24' }) id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Mastercard' }) name: string | null;
}

export class CardDto {
  @ApiProperty({
    example: '1493990563105',
    description: 'With the security code, makes a card token (`card_id`, `security_code`)',
  })
  id: string;
  @ApiProperty({ format: 'uuid', description: 'Our customer id' }) customer_id: string;
  @ApiProperty({ example: '503143' }) first_six_digits: string;
  @ApiProperty({ example: '6351' }) last_four_digits: string;
  @ApiProperty({ nullable: true, type: Number, example: 11 }) expiration_month: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 2030 }) expiration_year: number | null;
  @ApiProperty({ type: CardPaymentMethodDto }) payment_method: CardPaymentMethodDto;
  @ApiProperty({ type: CardIssuerDto }) issuer: CardIssuerDto;
  @ApiProperty({ nullable: true, type: String, example: 'APRO' }) cardholder_name: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) date_created: string | null;

  static from(card: GatewayCard, customerId: string): CardDto {
    return {
      id: card.id,
      customer_id: customerId,
      first_six_digits: card.firstSixDigits,
      last_four_digits: card.lastFourDigits,
      expiration_month: card.expirationMonth,
      expiration_year: card.expirationYear,
      payment_method: { id: card.paymentMethodId, payment_type_id: card.paymentTypeId },
      issuer: { id: card.issuerId, name: card.issuerName },
      cardholder_name: card.cardholderName,
      date_created: card.dateCreated?.toISOString() ?? null,
    };
  }
}

export class CardListDto {
  @ApiProperty({ type: [CardDto] }) data: CardDto[];
}
