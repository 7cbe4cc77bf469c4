import type { Secret } from '../common/secret';

/** The card rules a front end checks before tokenizing (one `settings` entry of a method). */
export interface CardSettings {
  binPattern: string;
  binExclusionPattern: string | null;
  installmentsPattern: string | null;
  cardNumberLength: number;
  /** `standard` (Luhn) or `none`. */
  cardNumberValidation: string;
  securityCodeLength: number;
  securityCodeCardLocation: string;
  /** `mandatory` or `optional`. */
  securityCodeMode: string;
}

export interface Issuer {
  id: string;
  name: string;
}

/** Amounts are integer minor units of the credentials' currency. */
export interface PaymentMethodInfo {
  id: string;
  name: string;
  paymentTypeId: string;
  status: string;
  thumbnail: string | null;
  secureThumbnail: string | null;
  deferredCapture: string | null;
  settings: CardSettings[];
  additionalInfoNeeded: string[];
  minAllowedAmount: number | null;
  maxAllowedAmount: number | null;
  accreditationTime: number | null;
  processingModes: string[];
}

export interface IdentificationTypeInfo {
  id: string;
  name: string;
  type: string;
  minLength: number;
  maxLength: number;
}

/** One way to split the amount; amounts in minor units, rates as Mercado Pago's percentages. */
export interface PayerCost {
  installments: number;
  installmentRate: number;
  discountRate: number | null;
  /** e.g. `CFT_0,00%|TEA_0,00%` (Argentina must show these) or `recommended_installment`. */
  labels: string[];
  minAllowedAmount: number | null;
  maxAllowedAmount: number | null;
  recommendedMessage: string | null;
  installmentAmount: number;
  totalAmount: number;
  paymentMethodOptionId: string | null;
}

export interface InstallmentOption {
  paymentMethodId: string;
  paymentTypeId: string | null;
  issuer: Issuer | null;
  processingMode: string | null;
  payerCosts: PayerCost[];
}

/** What a card's first digits tell: its method (brand), issuer and number/code rules. */
export interface CardBinInfo {
  paymentMethod: PaymentMethodInfo;
  issuer: Issuer | null;
  /** The method's settings entry whose BIN pattern covers these digits. */
  settings: CardSettings;
}

export interface InstallmentsQuery {
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  bin?: string;
  paymentMethodId?: string;
}

/**
 * The port lookups/ owns; mercadopago/ implements it on the official SDK. Mercado Pago's answers
 * arrive narrowed: a missing required field is an unexpected answer (GATEWAY_UNAVAILABLE), never
 * a default.
 */
export abstract class LookupsGateway {
  abstract paymentMethods(accessToken: Secret, currency: string): Promise<PaymentMethodInfo[]>;

  abstract identificationTypes(accessToken: Secret): Promise<IdentificationTypeInfo[]>;

  abstract installments(
    accessToken: Secret,
    query: InstallmentsQuery,
  ): Promise<InstallmentOption[]>;

  /** undefined when Mercado Pago knows no method for that BIN on the site. */
  abstract cardBin(
    accessToken: Secret,
    bin: string,
    siteId: string,
    currency: string,
  ): Promise<CardBinInfo | undefined>;
}
