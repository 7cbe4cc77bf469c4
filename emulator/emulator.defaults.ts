/** Fixed sandbox credentials the emulator accepts out of the box (documented in its README). */
export {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_SITE_ID,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../src/credentials/emulator-sandbox';
/** Real access tokens end with the seller's user id; the default one does too. */
export const EMULATOR_DEFAULT_USER_ID = 1000000001;
export const EMULATOR_DEFAULT_PORT = 3100;
export const EMULATOR_DEFAULT_HOST = '127.0.0.1';
export const EMULATOR_DEFAULT_TIME_SCALE = 1;
/** Mercado Pago waits 22 s for the first acknowledgement (the `x-socket-timeout` it sends). */
export const EMULATOR_DEFAULT_DELIVERY_TIMEOUT_MS = 22_000;
