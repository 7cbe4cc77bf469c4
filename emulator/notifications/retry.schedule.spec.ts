import { RETRY_OFFSETS, retryOffsetMs } from './retry.schedule';

const MINUTE = 60_000;

describe('notification retry schedules', () => {
  it('should retry every 15 minutes three times, then at growing intervals (current docs)', () => {
    const gaps = RETRY_OFFSETS.current.map(
      (offset, i) => offset - (RETRY_OFFSETS.current[i - 1] ?? 0),
    );

    expect(gaps.slice(0, 3)).toEqual([15 * MINUTE, 15 * MINUTE, 15 * MINUTE]);
    for (let i = 3; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]);
    expect(gaps[3]).toBeGreaterThan(15 * MINUTE);
  });

  it('should follow the legacy table: 5 min, 45 min, 6 h, 2 days, 4 days after the first delivery', () => {
    expect(RETRY_OFFSETS.legacy).toEqual([5, 45, 360, 2880, 5760].map((m) => m * MINUTE));
  });

  it('should scale the schedule by the time scale and stop after the last retry', () => {
    expect(retryOffsetMs('current', 1, 0.001)).toBe(900);
    expect(retryOffsetMs('legacy', 1, 1)).toBe(5 * MINUTE);
    expect(retryOffsetMs('legacy', 6, 1)).toBeNull();
  });
});
