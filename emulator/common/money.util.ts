import type { SiteFees } from '../data/sites.data';

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

/** The seller's fees on `keptMinor`, the charged money not refunded (README, "Fees and release"). */
export function feesMinor(
  fees: SiteFees,
  keptMinor: number,
  installments: number,
): { mercadopago: number; financing: number } {
  if (keptMinor <= 0) return { mercadopago: 0, financing: 0 };
  const share = (basisPoints: number) => Math.round((keptMinor * basisPoints) / 10_000);
  const mercadopago = Math.min(keptMinor, share(fees.basisPoints) + fees.fixedMinor);
  const financing = Math.min(
    keptMinor - mercadopago,
    share(fees.installmentBasisPoints * (installments - 1)),
  );
  return { mercadopago, financing };
}
