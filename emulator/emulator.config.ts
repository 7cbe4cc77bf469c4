import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_DELIVERY_TIMEOUT_MS,
  EMULATOR_DEFAULT_HOST,
  EMULATOR_DEFAULT_PORT,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_SITE_ID,
  EMULATOR_DEFAULT_TIME_SCALE,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from './emulator.defaults';
import { SITE_IDS, type SiteId } from './data/sites.data';

/** An application registered in the emulator, as given by env or the control API. */
export interface AccountInput {
  access_token: string;
  public_key: string;
  webhook_secret?: string;
  site_id?: string;
  user_id?: number;
  notification_url?: string | null;
  send_ipn?: boolean;
  /** A Mercado Pago test user: /users/me tags it `test_user` (its values may be APP_USR- ones). */
  test_user?: boolean;
}

/** `current`: the docs' "every 15 minutes, growing after the 3rd"; `legacy`: 5 min/45 min/6 h/2 d/4 d. */
export type RetryScheduleName = 'current' | 'legacy';
/** Mercado Pago's docs say `ts` is in milliseconds; the SDKs read it as seconds. */
export type SignatureTimestampUnit = 'ms' | 's';

export interface EmulatorOptions {
  port: number;
  host: string;
  accessToken: string;
  publicKey: string;
  webhookSecret: string;
  siteId: SiteId;
  notificationUrl?: string;
  timeScale: number;
  logger: boolean;
  /** More applications registered at start (and again on reset). */
  accounts: AccountInput[];
  retrySchedule: RetryScheduleName;
  signatureTimestamp: SignatureTimestampUnit;
  deliveryTimeoutMs: number;
}

export const EMULATOR_DEFAULT_OPTIONS: EmulatorOptions = {
  port: EMULATOR_DEFAULT_PORT,
  host: EMULATOR_DEFAULT_HOST,
  accessToken: EMULATOR_DEFAULT_ACCESS_TOKEN,
  publicKey: EMULATOR_DEFAULT_PUBLIC_KEY,
  webhookSecret: EMULATOR_DEFAULT_WEBHOOK_SECRET,
  siteId: EMULATOR_DEFAULT_SITE_ID,
  timeScale: EMULATOR_DEFAULT_TIME_SCALE,
  logger: false,
  accounts: [],
  retrySchedule: 'current',
  signatureTimestamp: 'ms',
  deliveryTimeoutMs: EMULATOR_DEFAULT_DELIVERY_TIMEOUT_MS,
};

type Env = Record<string, string | undefined>;

function fail(name: string, value: string, expected: string): never {
  throw new Error(`${name}=${JSON.stringify(value)} is invalid: expected ${expected}`);
}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    fail(name, raw, `a number from ${min} to ${max}`);
  }
  return value;
}

function readChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const found = choices.find((choice) => choice === raw);
  return found ?? fail(name, raw, `one of ${choices.join(', ')}`);
}

function readAccounts(env: Env): AccountInput[] {
  const raw = env.EMULATOR_ACCOUNTS;
  if (raw === undefined || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail('EMULATOR_ACCOUNTS', raw, 'a JSON array of accounts');
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as AccountInput).access_token === 'string' &&
        typeof (item as AccountInput).public_key === 'string',
    );
  return valid
    ? (parsed as AccountInput[])
    : fail('EMULATOR_ACCOUNTS', raw, 'a JSON array of {access_token, public_key, ...}');
}

/** Reads the EMULATOR_* settings; the emulator is its own app, so it may read the environment. */
export function loadEmulatorOptions(env: Env = process.env): EmulatorOptions {
  const d = EMULATOR_DEFAULT_OPTIONS;
  const notificationUrl = env.EMULATOR_NOTIFICATION_URL || undefined;
  return {
    port: readNumber(env, 'EMULATOR_PORT', d.port, 0, 65535),
    host: env.EMULATOR_HOST || d.host,
    accessToken: env.EMULATOR_ACCESS_TOKEN || d.accessToken,
    publicKey: env.EMULATOR_PUBLIC_KEY || d.publicKey,
    webhookSecret: env.EMULATOR_WEBHOOK_SECRET || d.webhookSecret,
    siteId: readChoice(env, 'EMULATOR_SITE_ID', SITE_IDS, d.siteId),
    ...(notificationUrl ? { notificationUrl } : {}),
    timeScale: readNumber(env, 'EMULATOR_TIME_SCALE', d.timeScale, 0, 1000),
    logger: env.EMULATOR_LOGGER === 'true',
    accounts: readAccounts(env),
    retrySchedule: readChoice(
      env,
      'EMULATOR_RETRY_SCHEDULE',
      ['current', 'legacy'],
      d.retrySchedule,
    ),
    signatureTimestamp: readChoice(env, 'EMULATOR_SIGNATURE_TS', ['ms', 's'], d.signatureTimestamp),
    deliveryTimeoutMs: readNumber(
      env,
      'EMULATOR_DELIVERY_TIMEOUT_MS',
      d.deliveryTimeoutMs,
      1,
      600_000,
    ),
  };
}
