/** Fixed sandbox credentials the emulator accepts out of the box (documented in its README). */
export const EMULATOR_DEFAULT_ACCESS_TOKEN =
  'TEST-0000000000000001-010100-00000000000000000000000000000001-1000000001';
export const EMULATOR_DEFAULT_PUBLIC_KEY = 'TEST-00000000-0000-4000-8000-000000000001';
export const EMULATOR_DEFAULT_WEBHOOK_SECRET = 'emulator-webhook-secret';
export const EMULATOR_DEFAULT_SITE_ID = 'MLB';
/** Real access tokens end with the seller's user id; the default one does too. */
export const EMULATOR_DEFAULT_USER_ID = 1000000001;
export const EMULATOR_DEFAULT_PORT = 3100;
export const EMULATOR_DEFAULT_HOST = '127.0.0.1';
export const EMULATOR_DEFAULT_TIME_SCALE = 1;
/** Mercado Pago waits 22 s for the first acknowledgement (the `x-socket-timeout` it sends). */
export const EMULATOR_DEFAULT_DELIVERY_TIMEOUT_MS = 22_000;
