/**
 * Money is integer minor units (a safe JS integer) plus a currency. Decimal amounts exist only at
 * the edges (requests, responses, Mercado Pago's JSON) and are converted as strings, never through
 * binary floating-point arithmetic.
 */
export const CURRENCY_EXPONENT: Record<string, number> = {
  ARS: 2,
  BRL: 2,
  MXN: 2,
  UYU: 2,
  PEN: 2,
  CLP: 0,
  // ISO 4217 gives COP two decimals; Mercado Pago Colombia is commonly charged in whole pesos.
  COP: 2,
};

/** Larger than any card payment we expect: 10^12 minor units (10 billion in major units). */
export const MAX_MINOR_UNITS = 1_000_000_000_000;

export class AmountError extends Error {}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function exponentOf(currency: string): number {
  const exponent = CURRENCY_EXPONENT[currency];
  if (exponent === undefined) throw new AmountError(`unsupported currency ${currency}`);
  return exponent;
}

/** A JSON number or decimal string in major units → minor units, refusing excess decimals. */
export function toMinorUnits(value: number | string, currency: string): number {
  const exponent = exponentOf(currency);
  // String(number) gives the shortest round-trip form ("10.5"), so no float arithmetic happens.
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new AmountError('must be a positive decimal number');
  const [, whole, fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    throw new AmountError(
      exponent === 0
        ? `must be a whole number in ${currency}`
        : `must have at most ${exponent} decimals in ${currency}`,
    );
  }
  if (whole.replace(/^0+/, '').length > 15) throw new AmountError('is too large');
  const minor = Number(whole) * 10 ** exponent + Number(significant.padEnd(exponent, '0') || '0');
  if (minor <= 0) throw new AmountError('must be greater than zero');
  if (minor > MAX_MINOR_UNITS) throw new AmountError('is too large');
  return minor;
}

/** Minor units → the decimal string in major units ("1050" BRL → "10.50"). */
export function toDecimalString(minor: number, currency: string): string {
  const exponent = exponentOf(currency);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Minor units → a JSON number in major units, as Mercado Pago writes amounts. */
export function toMajorNumber(minor: number, currency: string): number {
  return Number(toDecimalString(minor, currency));
}
