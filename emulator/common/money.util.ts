/**
 * Money is kept in integer minor units (cents; CLP has none) so that refunds left, capture limits
 * and fees never go through binary floating point. JSON still carries decimal numbers.
 */
export function toMinor(amount: number, decimals: number): number | null {
  if (!Number.isFinite(amount)) return null;
  const scaled = amount * 10 ** decimals;
  const rounded = Math.round(scaled);
  // Mercado Pago refuses amounts with more decimals than the currency has.
  return Math.abs(scaled - rounded) < 1e-6 && Number.isSafeInteger(rounded) ? rounded : null;
}

export function fromMinor(minor: number, decimals: number): number {
  return decimals === 0 ? minor : Number((minor / 10 ** decimals).toFixed(decimals));
}

/** Mercado Pago's fee in the published sample is 4.49% (2.64 on 58.80), rounded to the cent. */
export const FEE_BASIS_POINTS = 449;

export function feeMinor(amountMinor: number): number {
  return Math.round((amountMinor * FEE_BASIS_POINTS) / 10_000);
}
