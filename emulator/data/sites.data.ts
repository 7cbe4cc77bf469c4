export const SITE_IDS = ['MLA', 'MLB', 'MLC', 'MCO', 'MLM', 'MLU', 'MPE'] as const;
export type SiteId = (typeof SITE_IDS)[number];

export interface IdentificationType {
  id: string;
  name: string;
  type: 'number' | 'string';
  min_length: number;
  max_length: number;
}

/**
 * What the emulator charges a seller on a site (_emulator_ figures, plausible rather than any
 * published price list): `mercadopago_fee` = basis points of the money kept plus a fixed part,
 * `financing_fee` = basis points per installment beyond the first (installments are interest-free
 * for the payer, so the seller pays for them), money released `releaseDays` after approval.
 */
export interface SiteFees {
  basisPoints: number;
  fixedMinor: number;
  installmentBasisPoints: number;
  releaseDays: number;
}

export interface Site {
  id: SiteId;
  country: string;
  currency: string;
  /** Digits after the decimal point: CLP has none. */
  decimals: number;
  /** Mexico takes no document ("not applicable" in Mercado Pago's docs). */
  identificationTypes: IdentificationType[];
  fees: SiteFees;
}

const fees = (
  basisPoints: number,
  fixedMinor: number,
  installmentBasisPoints: number,
  releaseDays: number,
): SiteFees => ({ basisPoints, fixedMinor, installmentBasisPoints, releaseDays });

function idType(
  id: string,
  min: number,
  max: number,
  type: 'number' | 'string' = 'number',
): IdentificationType {
  return { id, name: id, type, min_length: min, max_length: max };
}

const OTHER = idType('Otro', 5, 20, 'string');

export const SITES: Record<SiteId, Site> = {
  MLA: {
    id: 'MLA',
    country: 'AR',
    currency: 'ARS',
    decimals: 2,
    identificationTypes: [
      idType('DNI', 7, 8),
      idType('CI', 1, 9),
      idType('LC', 6, 7),
      idType('LE', 6, 7),
      OTHER,
    ],
    fees: fees(410, 0, 120, 10),
  },
  MLB: {
    id: 'MLB',
    country: 'BR',
    currency: 'BRL',
    decimals: 2,
    identificationTypes: [idType('CPF', 11, 11), idType('CNPJ', 14, 14)],
    fees: fees(449, 0, 150, 14), // the published sample's 4.49% and 14 days
  },
  MLC: {
    id: 'MLC',
    country: 'CL',
    currency: 'CLP',
    decimals: 0,
    identificationTypes: [idType('RUT', 7, 9, 'string'), OTHER],
    fees: fees(319, 0, 100, 10),
  },
  MCO: {
    id: 'MCO',
    country: 'CO',
    currency: 'COP',
    decimals: 2,
    identificationTypes: [idType('CC', 5, 20), idType('CE', 5, 20), idType('NIT', 5, 20), OTHER],
    fees: fees(329, 80000, 130, 14),
  },
  MLM: {
    id: 'MLM',
    country: 'MX',
    currency: 'MXN',
    decimals: 2,
    identificationTypes: [],
    fees: fees(349, 400, 120, 14),
  },
  MLU: {
    id: 'MLU',
    country: 'UY',
    currency: 'UYU',
    decimals: 2,
    identificationTypes: [idType('CI', 7, 8), OTHER],
    fees: fees(499, 0, 110, 18),
  },
  MPE: {
    id: 'MPE',
    country: 'PE',
    currency: 'PEN',
    decimals: 2,
    identificationTypes: [idType('DNI', 8, 8), idType('CE', 8, 12, 'string'), idType('RUC', 11, 11)],
    fees: fees(399, 100, 120, 14),
  },
};

export function isSiteId(value: unknown): value is SiteId {
  return typeof value === 'string' && (SITE_IDS as readonly string[]).includes(value);
}
