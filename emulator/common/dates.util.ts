/** Mercado Pago answers with local time and an offset (`…T10:47:58.000-04:00`), not with `Z`. */
const OFFSET_MINUTES = -4 * 60;
const OFFSET_TEXT = '-04:00';

export function mpDate(ms: number): string {
  return new Date(ms + OFFSET_MINUTES * 60_000).toISOString().replace('Z', OFFSET_TEXT);
}

export function mpDateOrNull(ms: number | null): string | null {
  return ms === null ? null : mpDate(ms);
}

export const DAY_MS = 86_400_000;
