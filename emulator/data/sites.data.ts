export const SITE_IDS = ['MLA', 'MLB', 'MLC', 'MCO', 'MLM', 'MLU', 'MPE'] as const;
export type SiteId = (typeof SITE_IDS)[number];

export interface IdentificationType {
  id: string;
  name: string;
  type: 'number' | 'string';
  min_length: number;
  max_length: number;
}

export interface Site {
  id: SiteId;
  country: string;
  currency: string;
  /** Digits after the decimal point: CLP has none. */
  decimals: number;
  /** Mexico takes no document ("not applicable" in Mercado Pago's docs). */
  identificationTypes: IdentificationType[];
}

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
  },
  MLB: {
    id: 'MLB',
    country: 'BR',
    currency: 'BRL',
    decimals: 2,
    identificationTypes: [idType('CPF', 11, 11), idType('CNPJ', 14, 14)],
  },
  MLC: {
    id: 'MLC',
    country: 'CL',
    currency: 'CLP',
    decimals: 0,
    identificationTypes: [idType('RUT', 7, 9, 'string'), OTHER],
  },
  MCO: {
    id: 'MCO',
    country: 'CO',
    currency: 'COP',
    decimals: 2,
    identificationTypes: [idType('CC', 5, 20), idType('CE', 5, 20), idType('NIT', 5, 20), OTHER],
  },
  MLM: { id: 'MLM', country: 'MX', currency: 'MXN', decimals: 2, identificationTypes: [] },
  MLU: {
    id: 'MLU',
    country: 'UY',
    currency: 'UYU',
    decimals: 2,
    identificationTypes: [idType('CI', 7, 8), OTHER],
  },
  MPE: {
    id: 'MPE',
    country: 'PE',
    currency: 'PEN',
    decimals: 2,
    identificationTypes: [idType('DNI', 8, 8), idType('CE', 8, 12, 'string'), idType('RUC', 11, 11)],
  },
};

export function isSiteId(value: unknown): value is SiteId {
  return typeof value === 'string' && (SITE_IDS as readonly string[]).includes(value);
}
