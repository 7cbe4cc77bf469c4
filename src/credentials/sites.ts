/** Mercado Pago's sites (one per country); each account, and so each credentials set, has one. */
export const SITE_IDS = ['MLA', 'MLB', 'MLM', 'MLU', 'MLC', 'MCO', 'MPE'] as const;
export type SiteId = (typeof SITE_IDS)[number];

export function isSiteId(value: string): value is SiteId {
  return (SITE_IDS as readonly string[]).includes(value);
}

/** A site charges in one currency only. */
export const SITE_CURRENCY: Readonly<Record<SiteId, string>> = {
  MLA: 'ARS',
  MLB: 'BRL',
  MLM: 'MXN',
  MLU: 'UYU',
  MLC: 'CLP',
  MCO: 'COP',
  MPE: 'PEN',
};

/**
 * Payer identification types per site (Mercado Pago's doc-type-by-country page). The payment
 * reference also accepts CUIT/CUIL in Argentina and CURP/RFC in Mexico, where the page says
 * identification does not apply.
 */
export const SITE_IDENTIFICATION_TYPES: Readonly<Record<SiteId, readonly string[]>> = {
  MLA: ['DNI', 'CI', 'LC', 'LE', 'Otro', 'CUIT', 'CUIL'],
  MLB: ['CPF', 'CNPJ'],
  MLM: ['CURP', 'RFC'],
  MLU: ['CI', 'Otro'],
  MLC: ['RUT', 'Otro'],
  MCO: ['CC', 'CE', 'NIT', 'Otro'],
  MPE: ['DNI', 'CE', 'RUC'],
};
