import { EMULATOR_DEFAULT_OPTIONS, loadEmulatorOptions } from './emulator.config';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PORT,
  EMULATOR_DEFAULT_USER_ID,
} from './emulator.defaults';

describe('loadEmulatorOptions', () => {
  it('should give the documented defaults for an empty environment', () => {
    expect(loadEmulatorOptions({})).toEqual(EMULATOR_DEFAULT_OPTIONS);
    expect(EMULATOR_DEFAULT_OPTIONS).toMatchObject({
      port: EMULATOR_DEFAULT_PORT,
      siteId: 'MLB',
      timeScale: 1,
      accessToken: EMULATOR_DEFAULT_ACCESS_TOKEN,
    });
    expect(EMULATOR_DEFAULT_ACCESS_TOKEN.endsWith(`-${EMULATOR_DEFAULT_USER_ID}`)).toBe(true);
  });

  it('should read every EMULATOR_* setting', () => {
    const options = loadEmulatorOptions({
      EMULATOR_PORT: '4100',
      EMULATOR_ACCESS_TOKEN: 'TEST-1-2-3-42',
      EMULATOR_PUBLIC_KEY: 'TEST-pk',
      EMULATOR_WEBHOOK_SECRET: 's3cret',
      EMULATOR_SITE_ID: 'MLA',
      EMULATOR_NOTIFICATION_URL: 'http://127.0.0.1:3000/webhooks/mercadopago',
      EMULATOR_TIME_SCALE: '0.001',
      EMULATOR_RETRY_SCHEDULE: 'legacy',
      EMULATOR_SIGNATURE_TS: 's',
      EMULATOR_ACCOUNTS: '[{"access_token":"APP_USR-9","public_key":"APP_USR-pk9"}]',
    });

    expect(options).toMatchObject({
      port: 4100,
      accessToken: 'TEST-1-2-3-42',
      publicKey: 'TEST-pk',
      webhookSecret: 's3cret',
      siteId: 'MLA',
      notificationUrl: 'http://127.0.0.1:3000/webhooks/mercadopago',
      timeScale: 0.001,
      retrySchedule: 'legacy',
      signatureTimestamp: 's',
      accounts: [{ access_token: 'APP_USR-9', public_key: 'APP_USR-pk9' }],
    });
  });

  it.each([
    ['EMULATOR_PORT', 'http'],
    ['EMULATOR_SITE_ID', 'MLX'],
    ['EMULATOR_TIME_SCALE', '-1'],
    ['EMULATOR_RETRY_SCHEDULE', 'hourly'],
    ['EMULATOR_ACCOUNTS', '[{"access_token":1}]'],
  ])('should refuse a bad %s with one line naming it', (name, value) => {
    expect(() => loadEmulatorOptions({ [name]: value })).toThrow(new RegExp(`^${name}=`));
  });
});
