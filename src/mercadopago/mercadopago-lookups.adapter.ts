import { Injectable } from '@nestjs/common';
import { IdentificationType, PaymentMethod } from 'mercadopago';
import { RestClient } from 'mercadopago/dist/utils/restClient';
import { AmountError, toDecimalString, toMinorUnits } from '../common/money';
import type { Secret } from '../common/secret';
import {
  CardBinInfo,
  CardSettings,
  IdentificationTypeInfo,
  InstallmentOption,
  InstallmentsQuery,
  Issuer,
  LookupsGateway,
  PayerCost,
  PaymentMethodInfo,
} from '../lookups/lookups.port';
import { UnexpectedGatewayResponse } from './mercadopago-payment.mapper';
import { SdkCalls } from './sdk-calls';

/** Mercado Pago's JSON, read field by field: its types mark everything optional anyway. */
type Json = Record<string, unknown>;

const CARD_TYPES = ['credit_card', 'debit_card', 'prepaid_card'];

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnexpectedGatewayResponse(`${what} is not an object`);
  }
  return value as Json;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedGatewayResponse(`${what} is not a list`);
  return value;
}

function text(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UnexpectedGatewayResponse(`${what} without ${field}`);
  }
  return value;
}

function count(value: unknown, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UnexpectedGatewayResponse(`${what} without a readable ${field}`);
  }
  return value;
}

function rate(value: unknown, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UnexpectedGatewayResponse(`${what} without a readable ${field}`);
  }
  return value;
}

const optionalText = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

function optional<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === null || value === undefined ? null : read(value);
}

const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** A decimal amount of Mercado Pago's in minor units; more decimals than the currency's is unreadable. */
function minor(value: unknown, field: string, currency: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UnexpectedGatewayResponse(`${what} without a readable ${field}`);
  }
  if (value === 0) return 0;
  try {
    return toMinorUnits(value, currency);
  } catch (error) {
    if (error instanceof AmountError) {
      throw new UnexpectedGatewayResponse(`${what} with an unreadable ${field}: ${error.message}`);
    }
    throw error;
  }
}

function toSettings(value: unknown): CardSettings {
  const what = 'payment method settings';
  const settings = object(value, what);
  const bin = object(settings.bin, `${what}.bin`);
  const number = object(settings.card_number, `${what}.card_number`);
  const code = object(settings.security_code, `${what}.security_code`);
  return {
    binPattern: text(bin.pattern, 'bin.pattern', what),
    binExclusionPattern: optionalText(bin.exclusion_pattern),
    installmentsPattern: optionalText(bin.installments_pattern),
    cardNumberLength: count(number.length, 'card_number.length', what),
    cardNumberValidation: text(number.validation, 'card_number.validation', what),
    securityCodeLength: count(code.length, 'security_code.length', what),
    securityCodeCardLocation: text(code.card_location, 'security_code.card_location', what),
    securityCodeMode: text(code.mode, 'security_code.mode', what),
  };
}

function toPaymentMethod(value: unknown, currency: string): PaymentMethodInfo {
  const what = 'payment method';
  const method = object(value, what);
  const paymentTypeId = text(method.payment_type_id, 'payment_type_id', what);
  // Only cards have number and code rules; tickets, Pix and the like come without settings.
  // The API answers a list; the reference page prints one object: both read the same.
  const raw = method.settings;
  const entries = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? [raw] : raw;
  const settings = CARD_TYPES.includes(paymentTypeId)
    ? list(entries, `${what}.settings`).map(toSettings)
    : [];
  return {
    id: text(method.id, 'id', what),
    name: text(method.name, 'name', what),
    paymentTypeId,
    status: text(method.status, 'status', what),
    thumbnail: optionalText(method.thumbnail),
    secureThumbnail: optionalText(method.secure_thumbnail),
    deferredCapture: optionalText(method.deferred_capture),
    settings,
    additionalInfoNeeded: texts(method.additional_info_needed),
    minAllowedAmount: optional(method.min_allowed_amount, (v) =>
      minor(v, 'min_allowed_amount', currency, what),
    ),
    maxAllowedAmount: optional(method.max_allowed_amount, (v) =>
      minor(v, 'max_allowed_amount', currency, what),
    ),
    accreditationTime: optional(method.accreditation_time, (v) =>
      count(v, 'accreditation_time', what),
    ),
    processingModes: texts(method.processing_modes),
  };
}

function toIdentificationType(value: unknown): IdentificationTypeInfo {
  const what = 'identification type';
  const type = object(value, what);
  return {
    id: text(type.id, 'id', what),
    name: text(type.name, 'name', what),
    type: text(type.type, 'type', what),
    minLength: count(type.min_length, 'min_length', what),
    maxLength: count(type.max_length, 'max_length', what),
  };
}

/** Issuer ids are numbers in some answers and strings in others: always a string for us. */
function toIssuer(value: unknown): Issuer | null {
  if (value === null || value === undefined) return null;
  const issuer = object(value, 'issuer');
  const id = issuer.id;
  if ((typeof id !== 'number' && typeof id !== 'string') || id === '') {
    throw new UnexpectedGatewayResponse('issuer without id');
  }
  return { id: String(id), name: text(issuer.name, 'name', 'issuer') };
}

function toPayerCost(value: unknown, currency: string): PayerCost {
  const what = 'payer cost';
  const cost = object(value, what);
  const installments = count(cost.installments, 'installments', what);
  if (installments === 0) throw new UnexpectedGatewayResponse(`${what} with 0 installments`);
  return {
    installments,
    installmentRate: rate(cost.installment_rate, 'installment_rate', what),
    discountRate: optional(cost.discount_rate, (v) => rate(v, 'discount_rate', what)),
    labels: texts(cost.labels),
    minAllowedAmount: optional(cost.min_allowed_amount, (v) =>
      minor(v, 'min_allowed_amount', currency, what),
    ),
    maxAllowedAmount: optional(cost.max_allowed_amount, (v) =>
      minor(v, 'max_allowed_amount', currency, what),
    ),
    recommendedMessage: optionalText(cost.recommended_message),
    installmentAmount: minor(cost.installment_amount, 'installment_amount', currency, what),
    totalAmount: minor(cost.total_amount, 'total_amount', currency, what),
    paymentMethodOptionId: optionalText(cost.payment_method_option_id),
  };
}

function toInstallmentOption(value: unknown, currency: string): InstallmentOption {
  const what = 'installments option';
  const option = object(value, what);
  return {
    paymentMethodId: text(option.payment_method_id, 'payment_method_id', what),
    paymentTypeId: optionalText(option.payment_type_id),
    issuer: toIssuer(option.issuer),
    processingMode: optionalText(option.processing_mode),
    payerCosts: list(option.payer_costs, `${what}.payer_costs`).map((cost) =>
      toPayerCost(cost, currency),
    ),
  };
}

/**
 * A method may hold several settings entries (BIN ranges with other lengths or codes); the one
 * for a card is the one whose pattern matches and whose exclusion does not, as MercadoPago.js
 * picks it. When none matches, Mercado Pago's search still named the method: its first entry.
 */
function settingsFor(bin: string, all: CardSettings[]): CardSettings {
  const matches = (pattern: string | null): boolean => {
    if (!pattern) return false;
    try {
      return new RegExp(pattern).test(bin);
    } catch {
      return false;
    }
  };
  const found = all.find((s) => matches(s.binPattern) && !matches(s.binExclusionPattern)) ?? all[0];
  if (!found) throw new UnexpectedGatewayResponse('card payment method without settings');
  return found;
}

/**
 * LookupsGateway on the official SDK: its PaymentMethod and IdentificationType clients, and its
 * RestClient (same retries and timeouts) for installments and the BIN search, which it has no
 * client for.
 */
@Injectable()
export class MercadoPagoLookupsAdapter extends LookupsGateway {
  constructor(private readonly sdk: SdkCalls) {
    super();
  }

  paymentMethods(accessToken: Secret, currency: string): Promise<PaymentMethodInfo[]> {
    return this.sdk.run(
      accessToken,
      'list payment methods',
      (config) => new PaymentMethod(config).get(),
      (answer) => list(answer, 'payment methods').map((m) => toPaymentMethod(m, currency)),
    );
  }

  identificationTypes(accessToken: Secret): Promise<IdentificationTypeInfo[]> {
    return this.sdk.run(
      accessToken,
      'list identification types',
      (config) => new IdentificationType(config).list(),
      (answer) => list(answer, 'identification types').map(toIdentificationType),
    );
  }

  installments(accessToken: Secret, query: InstallmentsQuery): Promise<InstallmentOption[]> {
    return this.sdk.run(
      accessToken,
      'list installments',
      (config) =>
        RestClient.fetch<unknown>('/v1/payment_methods/installments', {
          ...config.options,
          headers: { Authorization: `Bearer ${accessToken.reveal()}` },
          queryParams: {
            amount: toDecimalString(query.amount, query.currency),
            ...(query.bin ? { bin: query.bin } : {}),
            ...(query.paymentMethodId ? { payment_method_id: query.paymentMethodId } : {}),
          },
        }),
      (answer) =>
        list(answer, 'installments').map((option) => toInstallmentOption(option, query.currency)),
    );
  }

  cardBin(
    accessToken: Secret,
    bin: string,
    siteId: string,
    currency: string,
  ): Promise<CardBinInfo | undefined> {
    return this.sdk.run(
      accessToken,
      'search payment methods by BIN',
      (config) =>
        RestClient.fetch<unknown>('/v1/payment_methods/search', {
          ...config.options,
          headers: { Authorization: `Bearer ${accessToken.reveal()}` },
          queryParams: { bins: bin, site_id: siteId },
        }),
      (answer) => {
        const results = list(object(answer, 'BIN search').results, 'BIN search results');
        // A BIN names a card: other kinds of method in the answer say nothing about it.
        const card = results.find(
          (result) =>
            typeof result === 'object' &&
            result !== null &&
            CARD_TYPES.includes(String((result as Json).payment_type_id)),
        );
        if (card === undefined) return undefined;
        const paymentMethod = toPaymentMethod(card, currency);
        return {
          paymentMethod,
          issuer: toIssuer((card as Json).issuer),
          settings: settingsFor(bin, paymentMethod.settings),
        };
      },
    );
  }
}
