import { SITES, type SiteId } from './sites.data';
import { TEST_CARDS } from './test-cards.data';

export type PaymentTypeId = 'credit_card' | 'debit_card';

export interface Issuer {
  id: string;
  name: string;
}

export interface PaymentMethodDef {
  id: string;
  name: string;
  payment_type_id: PaymentTypeId;
  /** Tested against the card number; debit methods list exact BINs, as the sandbox's do. */
  bin: RegExp;
  exclusion?: RegExp;
  cardLengths: number[];
  securityCodeLength: number;
  cardLocation: 'back' | 'front';
  issuer: Issuer;
  maxInstallments: number;
  /** In major units of the site's currency. */
  minAllowedAmount: number;
}

const ELO_BINS =
  '^(401178|401179|431274|438935|451416|457393|457631|457632|504175|506699|5067|509|627780|636297|636368|650|6516|6550)';

function debitBins(site: SiteId, paymentMethodId: string): RegExp {
  const bins = TEST_CARDS.filter(
    (card) => card.site === site && card.payment_method_id === paymentMethodId,
  ).map((card) => card.number.slice(0, 6));
  return new RegExp(`^(${bins.join('|')})`);
}

interface BrandInput {
  id: string;
  name: string;
  type: PaymentTypeId;
  bin: RegExp;
  exclusion?: RegExp;
  issuerId: string;
  site: SiteId;
}

function brand(input: BrandInput): PaymentMethodDef {
  const amex = input.id === 'amex';
  return {
    id: input.id,
    name: input.name,
    payment_type_id: input.type,
    bin: input.bin,
    ...(input.exclusion ? { exclusion: input.exclusion } : {}),
    cardLengths: amex ? [15] : [16],
    securityCodeLength: amex ? 4 : 3,
    cardLocation: amex ? 'front' : 'back',
    issuer: { id: input.issuerId, name: input.name },
    maxInstallments: input.type === 'credit_card' ? 12 : 1,
    // Chile's peso has no cents; its card minimum is $ 1.000.
    minAllowedAmount: SITES[input.site].decimals === 0 ? 1000 : 0.5,
  };
}

/** Brazil's issuer ids match Mercado Pago's published samples (visa "25", master "24"). */
const ISSUER_IDS: Record<string, Record<string, string>> = {
  MLB: { visa: '25', master: '24', amex: '26', elo: '687', debelo: '687' },
  default: { visa: '1', master: '3', amex: '4', debvisa: '1', debmaster: '3' },
};

function methodsFor(site: SiteId): PaymentMethodDef[] {
  const issuers = ISSUER_IDS[site] ?? ISSUER_IDS.default;
  const issuerId = (id: string): string => issuers[id] ?? ISSUER_IDS.default[id] ?? '1';
  const debit = TEST_CARDS.filter(
    (card) => card.site === site && card.payment_method_id.startsWith('deb'),
  ).map((card) => card.payment_method_id);
  const debitDefs = [...new Set(debit)].map((id) =>
    brand({
      id,
      name: `${id.slice(3, 4).toUpperCase()}${id.slice(4)} Débito`,
      type: 'debit_card',
      bin: debitBins(site, id),
      issuerId: issuerId(id),
      site,
    }),
  );
  const elo =
    site === 'MLB'
      ? [brand({ id: 'elo', name: 'Elo', type: 'credit_card', bin: new RegExp(ELO_BINS), issuerId: issuerId('elo'), site })]
      : [];
  return [
    ...debitDefs,
    ...elo,
    brand({ id: 'amex', name: 'American Express', type: 'credit_card', bin: /^3[47]/, issuerId: issuerId('amex'), site }),
    brand({ id: 'visa', name: 'Visa', type: 'credit_card', bin: /^4/, issuerId: issuerId('visa'), site }),
    brand({
      id: 'master',
      name: 'Mastercard',
      type: 'credit_card',
      bin: /^(5|2[2-7])/,
      exclusion: site === 'MLB' ? new RegExp(ELO_BINS) : undefined,
      issuerId: issuerId('master'),
      site,
    }),
  ];
}

export const PAYMENT_METHODS: Record<SiteId, PaymentMethodDef[]> = Object.fromEntries(
  Object.keys(SITES).map((site) => [site, methodsFor(site as SiteId)]),
) as Record<SiteId, PaymentMethodDef[]>;

/** The method a card number (or a BIN) belongs to on a site, the way the BIN search resolves it. */
export function paymentMethodForCard(site: SiteId, cardNumber: string): PaymentMethodDef | null {
  const methods = PAYMENT_METHODS[site];
  const testCard = TEST_CARDS.find((card) => card.site === site && card.number === cardNumber);
  if (testCard) return methods.find((m) => m.id === testCard.payment_method_id) ?? null;
  return (
    methods.find(
      (m) => m.bin.test(cardNumber) && !(m.exclusion && m.exclusion.test(cardNumber)),
    ) ?? null
  );
}

export function paymentMethodById(site: SiteId, id: string): PaymentMethodDef | null {
  return PAYMENT_METHODS[site].find((m) => m.id === id) ?? null;
}

export function thumbnails(id: string): { secure_thumbnail: string; thumbnail: string } {
  return {
    secure_thumbnail: `https://www.mercadopago.com/org-img/MP3/API/logos/${id}.gif`,
    thumbnail: `http://img.mlstatic.com/org-img/MP3/API/logos/${id}.gif`,
  };
}

export function renderPaymentMethod(method: PaymentMethodDef): Record<string, unknown> {
  return {
    id: method.id,
    name: method.name,
    payment_type_id: method.payment_type_id,
    status: 'active',
    ...thumbnails(method.id),
    deferred_capture: method.payment_type_id === 'credit_card' ? 'supported' : 'unsupported',
    settings: [
      {
        card_number: { validation: 'standard', length: method.cardLengths[0] },
        bin: {
          pattern: method.bin.source,
          installments_pattern: method.bin.source,
          exclusion_pattern: method.exclusion?.source ?? null,
        },
        security_code: {
          length: method.securityCodeLength,
          card_location: method.cardLocation,
          mode: 'mandatory',
        },
      },
    ],
    additional_info_needed: [
      'cardholder_name',
      'cardholder_identification_type',
      'cardholder_identification_number',
    ],
    min_allowed_amount: method.minAllowedAmount,
    max_allowed_amount: 1_000_000,
    accreditation_time: method.payment_type_id === 'credit_card' ? 2880 : 1440,
    financial_institutions: [],
    processing_modes: ['aggregator'],
  };
}
