import type { RetryScheduleName } from '../emulator.config';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * When each retry is due, measured from the first delivery, before the time scale.
 * - current: the docs' "every 15 minutes; after the 3rd attempt the interval grows" — here 15 min
 *   three times, then doubling up to a day, 12 retries in all (about 4 days, like the legacy end).
 * - legacy: the older table, retries due 5 min, 45 min, 6 h, 2 days and 4 days after the first.
 */
const CURRENT_GAPS = [15, 15, 15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440].map(
  (m) => m * MINUTE,
);

export const RETRY_OFFSETS: Record<RetryScheduleName, number[]> = {
  current: CURRENT_GAPS.map((_, i) => CURRENT_GAPS.slice(0, i + 1).reduce((a, b) => a + b, 0)),
  legacy: [5 * MINUTE, 45 * MINUTE, 6 * HOUR, 2 * DAY, 4 * DAY],
};

/** Milliseconds after the first delivery when retry `retry` (1-based) is due, or null if none. */
export function retryOffsetMs(
  schedule: RetryScheduleName,
  retry: number,
  timeScale: number,
): number | null {
  const offset = RETRY_OFFSETS[schedule][retry - 1];
  return offset === undefined ? null : Math.round(offset * timeScale);
}
