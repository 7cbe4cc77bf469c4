import { ConfigError, loadConfig } from './app-config';

describe('Settings of the money path', () => {
  it('should name a bad re-read schedule in one line, with the form it takes', () => {
    expect(() => loadConfig({ PAYMENT_WATCH_SCHEDULE_SECONDS: '3600,soon' })).toThrow(
      new ConfigError(
        'Invalid setting PAYMENT_WATCH_SCHEDULE_SECONDS: PAYMENT_WATCH_SCHEDULE_SECONDS must be ' +
          'whole seconds from 1, comma-separated (e.g. 3600,21600)',
      ),
    );
  });

  it('should read the re-read schedule as whole seconds', () => {
    const config = loadConfig({ PAYMENT_WATCH_SCHEDULE_SECONDS: ' 60, 600 ' });
    expect(config.payments.sync.watchSeconds).toEqual([60, 600]);
  });

  it('should lease an Idempotency-Key for longer than a Mercado Pago call with every SDK retry', () => {
    for (const [timeout, retries] of [
      [8000, 2],
      [60_000, 5],
      [50, 0],
    ]) {
      const config = loadConfig({
        MERCADOPAGO_TIMEOUT_MS: String(timeout),
        MERCADOPAGO_MAX_RETRIES: String(retries),
      });
      expect(config.idempotencyLeaseSeconds * 1000).toBeGreaterThan(timeout * (retries + 1));
    }
  });
});

describe('Settings of the notifications in', () => {
  it('should trust no proxy unless told, and read a hop count or the proxies addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
    ]);
  });

  it('should name a bad TRUST_PROXY in one line', () => {
    for (const value of ['yes', '10.0.0.0/33', '10.0.0.1,example.com']) {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Invalid setting TRUST_PROXY: /);
    }
  });

  it('should turn unsigned IPN off by default', () => {
    expect(loadConfig({}).webhooks.acceptIpn).toBe(false);
  });

  it('should sweep every 5 minutes, 10 pages a run, by default; 0 turns it off', () => {
    expect(loadConfig({}).sweep).toEqual({
      intervalSeconds: 300,
      maxPagesPerRun: 10,
      firstLookbackHours: 24,
    });
    expect(loadConfig({ SWEEP_INTERVAL_SECONDS: '0' }).sweep.intervalSeconds).toBe(0);
  });

  it('should refuse a sweep without pages', () => {
    expect(() => loadConfig({ SWEEP_MAX_PAGES_PER_RUN: '0' })).toThrow(
      /^Invalid setting SWEEP_MAX_PAGES_PER_RUN/,
    );
  });
});
