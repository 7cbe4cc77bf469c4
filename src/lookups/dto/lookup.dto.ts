import { ApiProperty } from '@nestjs/swagger';
import { toMajorNumber } from '../../common/money';
import { SITE_IDS } from '../../credentials/sites';
import type {
  CardBinInfo,
  CardSettings,
  IdentificationTypeInfo,
  InstallmentOption,
  Issuer,
  PayerCost,
  PaymentMethodInfo,
} from '../lookups.port';

const major = (minor: number | null, currency: string): number | null =>
  minor === null ? null : toMajorNumber(minor, currency);

export class BinRulesDto {
  @ApiProperty({ example: '^(5|(2[2-7]))' }) pattern: string;
  @ApiProperty({ nullable: true, type: String }) exclusion_pattern: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'BINs allowed more than 1 installment',
  })
  installments_pattern: string | null;
}

export class CardNumberRulesDto {
  @ApiProperty({ example: 16 }) length: number;
  @ApiProperty({ example: 'standard', description: '`standard`: Luhn; `none`: no checksum' })
  validation: string;
}

export class SecurityCodeRulesDto {
  @ApiProperty({ example: 3 }) length: number;
  @ApiProperty({ example: 'back', description: 'Where it is printed: `back` or `front`' })
  card_location: string;
  @ApiProperty({ example: 'mandatory', description: '`mandatory` or `optional`' }) mode: string;
}

export class CardSettingsDto {
  @ApiProperty({ type: BinRulesDto }) bin: BinRulesDto;
  @ApiProperty({ type: CardNumberRulesDto }) card_number: CardNumberRulesDto;
  @ApiProperty({ type: SecurityCodeRulesDto }) security_code: SecurityCodeRulesDto;

  static from(settings: CardSettings): CardSettingsDto {
    return {
      bin: {
        pattern: settings.binPattern,
        exclusion_pattern: settings.binExclusionPattern,
        installments_pattern: settings.installmentsPattern,
      },
      card_number: { length: settings.cardNumberLength, validation: settings.cardNumberValidation },
      security_code: {
        length: settings.securityCodeLength,
        card_location: settings.securityCodeCardLocation,
        mode: settings.securityCodeMode,
      },
    };
  }
}

export class IssuerDto {
  @ApiProperty({ example: '24', description: 'A string, whatever Mercado Pago sends' }) id: string;
  @ApiProperty({ example: 'Mastercard' }) name: string;

  static from(issuer: Issuer | null): IssuerDto | null {
    return issuer && { id: issuer.id, name: issuer.name };
  }
}

/** Which credentials answered: useful when the route was called with `default`. */
export class LookupAnswerDto {
  @ApiProperty({ format: 'uuid' }) credential_id: string;
  @ApiProperty({ enum: SITE_IDS }) site_id: string;
}

export class PaymentMethodDto {
  @ApiProperty({ example: 'master' }) id: string;
  @ApiProperty({ example: 'Mastercard' }) name: string;
  @ApiProperty({ example: 'credit_card' }) payment_type_id: string;
  @ApiProperty({ example: 'active' }) status: string;
  @ApiProperty({ nullable: true, type: String }) thumbnail: string | null;
  @ApiProperty({ nullable: true, type: String }) secure_thumbnail: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'supported' }) deferred_capture:
    string | null;
  @ApiProperty({ type: [CardSettingsDto], description: 'Card rules (empty for non-card methods)' })
  settings: CardSettingsDto[];
  @ApiProperty({ type: [String], example: ['cardholder_identification_number'] })
  additional_info_needed: string[];
  @ApiProperty({ nullable: true, type: Number, example: 0.5 }) min_allowed_amount: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 60000 }) max_allowed_amount: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Minutes', example: 2880 })
  accreditation_time: number | null;
  @ApiProperty({ type: [String], example: ['aggregator'] }) processing_modes: string[];

  static from(method: PaymentMethodInfo, currency: string): PaymentMethodDto {
    return {
      id: method.id,
      name: method.name,
      payment_type_id: method.paymentTypeId,
      status: method.status,
      thumbnail: method.thumbnail,
      secure_thumbnail: method.secureThumbnail,
      deferred_capture: method.deferredCapture,
      settings: method.settings.map((s) => CardSettingsDto.from(s)),
      additional_info_needed: method.additionalInfoNeeded,
      min_allowed_amount: major(method.minAllowedAmount, currency),
      max_allowed_amount: major(method.maxAllowedAmount, currency),
      accreditation_time: method.accreditationTime,
      processing_modes: method.processingModes,
    };
  }
}

export class PaymentMethodListDto extends LookupAnswerDto {
  @ApiProperty({ type: [PaymentMethodDto] }) data: PaymentMethodDto[];
}

export class IdentificationTypeDto {
  @ApiProperty({ example: 'CPF' }) id: string;
  @ApiProperty({ example: 'CPF' }) name: string;
  @ApiProperty({ example: 'number' }) type: string;
  @ApiProperty({ example: 11 }) min_length: number;
  @ApiProperty({ example: 11 }) max_length: number;

  static from(type: IdentificationTypeInfo): IdentificationTypeDto {
    return {
      id: type.id,
      name: type.name,
      type: type.type,
      min_length: type.minLength,
      max_length: type.maxLength,
    };
  }
}

export class IdentificationTypeListDto extends LookupAnswerDto {
  @ApiProperty({
    type: [IdentificationTypeDto],
    description: 'Empty where the site takes no document (Mexico)',
  })
  data: IdentificationTypeDto[];
}

export class PayerCostDto {
  @ApiProperty({ example: 3 }) installments: number;
  @ApiProperty({ example: 0, description: 'Interest, in percent of the amount' })
  installment_rate: number;
  @ApiProperty({ nullable: true, type: Number, example: 0 }) discount_rate: number | null;
  @ApiProperty({
    type: [String],
    example: ['CFT_0,00%|TEA_0,00%'],
    description: 'Argentina: `CFT_x%|TEA_y%`, which must be shown to the buyer',
  })
  labels: string[];
  @ApiProperty({ nullable: true, type: Number }) min_allowed_amount: number | null;
  @ApiProperty({ nullable: true, type: Number }) max_allowed_amount: number | null;
  @ApiProperty({ nullable: true, type: String, example: '3 cuotas de $ 33,34 ($ 100,00)' })
  recommended_message: string | null;
  @ApiProperty({ example: 33.34 }) installment_amount: number;
  @ApiProperty({ example: 100 }) total_amount: number;
  @ApiProperty({ nullable: true, type: String }) payment_method_option_id: string | null;

  static from(cost: PayerCost, currency: string): PayerCostDto {
    return {
      installments: cost.installments,
      installment_rate: cost.installmentRate,
      discount_rate: cost.discountRate,
      labels: cost.labels,
      min_allowed_amount: major(cost.minAllowedAmount, currency),
      max_allowed_amount: major(cost.maxAllowedAmount, currency),
      recommended_message: cost.recommendedMessage,
      installment_amount: toMajorNumber(cost.installmentAmount, currency),
      total_amount: toMajorNumber(cost.totalAmount, currency),
      payment_method_option_id: cost.paymentMethodOptionId,
    };
  }
}

export class InstallmentOptionDto {
  @ApiProperty({ example: 'master' }) payment_method_id: string;
  @ApiProperty({ nullable: true, type: String, example: 'credit_card' }) payment_type_id:
    string | null;
  @ApiProperty({ nullable: true, type: IssuerDto }) issuer: IssuerDto | null;
  @ApiProperty({ nullable: true, type: String, example: 'aggregator' }) processing_mode:
    string | null;
  @ApiProperty({ type: [PayerCostDto] }) payer_costs: PayerCostDto[];

  static from(option: InstallmentOption, currency: string): InstallmentOptionDto {
    return {
      payment_method_id: option.paymentMethodId,
      payment_type_id: option.paymentTypeId,
      issuer: IssuerDto.from(option.issuer),
      processing_mode: option.processingMode,
      payer_costs: option.payerCosts.map((cost) => PayerCostDto.from(cost, currency)),
    };
  }
}

export class InstallmentListDto extends LookupAnswerDto {
  @ApiProperty({ example: 'BRL' }) currency_id: string;
  @ApiProperty({
    type: [InstallmentOptionDto],
    description: 'Usually one option; empty when Mercado Pago has none for that card or method',
  })
  data: InstallmentOptionDto[];
}

export class CardBinDto extends LookupAnswerDto {
  @ApiProperty({ example: '503143' }) bin: string;
  @ApiProperty({ example: 'master' }) payment_method_id: string;
  @ApiProperty({ example: 'credit_card' }) payment_type_id: string;
  @ApiProperty({ example: 'Mastercard', description: 'The brand' }) name: string;
  @ApiProperty({ nullable: true, type: String }) thumbnail: string | null;
  @ApiProperty({ nullable: true, type: String }) secure_thumbnail: string | null;
  @ApiProperty({ nullable: true, type: IssuerDto }) issuer: IssuerDto | null;
  @ApiProperty({ type: CardNumberRulesDto }) card_number: CardNumberRulesDto;
  @ApiProperty({ type: SecurityCodeRulesDto }) security_code: SecurityCodeRulesDto;
  @ApiProperty({ type: [String], example: ['cardholder_identification_number'] })
  additional_info_needed: string[];
  @ApiProperty({ nullable: true, type: Number, example: 0.5 }) min_allowed_amount: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 60000 }) max_allowed_amount: number | null;

  static from(
    answer: LookupAnswerDto,
    bin: string,
    info: CardBinInfo,
    currency: string,
  ): CardBinDto {
    const method = info.paymentMethod;
    const { card_number, security_code } = CardSettingsDto.from(info.settings);
    return {
      ...answer,
      bin,
      payment_method_id: method.id,
      payment_type_id: method.paymentTypeId,
      name: method.name,
      thumbnail: method.thumbnail,
      secure_thumbnail: method.secureThumbnail,
      issuer: IssuerDto.from(info.issuer),
      card_number,
      security_code,
      additional_info_needed: method.additionalInfoNeeded,
      min_allowed_amount: major(method.minAllowedAmount, currency),
      max_allowed_amount: major(method.maxAllowedAmount, currency),
    };
  }
}
