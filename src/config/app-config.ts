import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isIP } from 'node:net';
import { EnvironmentVariables } from './env.schema';

export class ConfigError extends Error {}

/** Fastify's trustProxy: which X-Forwarded-For hops name the client (request.ip). */
export type TrustProxy = boolean | number | string[];

export type MercadoPagoTarget =
  { kind: 'embedded-emulator'; port: number; timeScale: number } | { kind: 'remote'; url: string };

/**
 * The validated, typed settings. Built once from the environment at start; the only place that
 * reads process.env is main.ts (and the CLI entry points) handing it to loadConfig.
 */
export class AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  /** TRUST_PROXY: false leaves request.ip the socket's address (X-Forwarded-For ignored). */
  readonly trustProxy: TrustProxy;
  readonly logLevel: string;
  /** pretty: one readable line per entry (development); json: one JSON object per line. */
  readonly logFormat: 'pretty' | 'json';
  readonly database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
  readonly dataDir: string;
  readonly mercadoPago: MercadoPagoTarget;
  readonly mercadoPagoClient: { timeoutMs: number; maxRetries: number };
  readonly seedCredentials: {
    accessToken?: string;
    publicKey?: string;
    webhookSecret?: string;
  };
  readonly encryptionKey?: Buffer;
  /** The key being replaced, kept only while `npm run credentials:reseal` moves rows off it. */
  readonly previousEncryptionKey?: Buffer;
  readonly credentials: { rotationOverlapHours: number; allowSandboxInProduction: boolean };
  readonly adminToken?: string;
  /**
   * Service tokens and credentials are cached per instance for at most ttlSeconds (0: no cache);
   * changes reach other instances at once through PostgreSQL LISTEN/NOTIFY.
   */
  readonly authCache: { ttlSeconds: number };
  /**
   * Front-end lookups per credentials are cached per instance for at most ttlSeconds (0: no
   * cache), and dropped when those credentials change, on every instance.
   */
  readonly lookupsCache: { ttlSeconds: number };
  /** Requests per token per window (0: no limit), counted across instances on PostgreSQL. */
  readonly rateLimit: { limit: number; windowSeconds: number };
  /** PUBLIC_BASE_URL; unset → http://localhost:<the port actually listened on>. */
  readonly publicBaseUrl?: string;
  /** How often unsettled payments are re-read from Mercado Pago; 0 turns the sweep off. */
  readonly reconcileIntervalSeconds: number;
  /** The search of each credentials' payments at Mercado Pago by date_last_updated. */
  readonly sweep: {
    /** 0 turns it off. */
    intervalSeconds: number;
    /** Pages of 100 payments per credentials per run: the bound on its rate. */
    maxPagesPerRun: number;
    /** Where the first run of credentials starts: this long before it. */
    firstLookbackHours: number;
  };
  readonly payments: {
    /** After this, an unanswered payment is looked up at Mercado Pago instead of re-sent. */
    resendWindowSeconds: number;
    sync: { firstSeconds: number; watchSeconds: number[] };
  };
  /** The settlement export: the longest window one request may cover. */
  readonly reports: { settlementMaxDays: number };
  /**
   * How long a caller's Idempotency-Key stays leased: longer than one Mercado Pago call can take
   * with the SDK's own retries, so a lease never runs out under a live holder.
   */
  readonly idempotencyLeaseSeconds: number;
  /** Mercado Pago notifications in: see the README's settings table. */
  readonly webhooks: {
    acceptIpn: boolean;
    timestampToleranceSeconds: number;
    /** 0 turns the periodic sweep off (the worker still wakes after each stored notification). */
    workerIntervalMs: number;
    maxAttempts: number;
    /** Reads of an id Mercado Pago does not know before its notification is dead (≤ maxAttempts). */
    notFoundMaxAttempts: number;
    retryBaseMs: number;
  };

  /** Payment events to internal services: see the README's settings table. */
  readonly events: {
    retryScheduleSeconds: number[];
    /** 0 turns the periodic poll off (the worker still wakes after each change made here). */
    workerIntervalMs: number;
    disableAfterMs: number;
    allowHttp: boolean;
    rotationOverlapMs: number;
  };

  /**
   * SANDBOX_MERCADOPAGO_JS_URL: the MercadoPago.js the sandbox checkout page loads; unset, the
   * page derives it from where Mercado Pago calls go (see SandboxService).
   */
  readonly sandbox: { mercadoPagoJsUrl?: string };

  get isProduction(): boolean {
    return this.env === 'production';
  }

  constructor(init: Omit<AppConfig, 'isProduction'>) {
    Object.assign(this, init);
  }
}

function decodeKey(name: string, value: string | undefined): Buffer | undefined {
  if (!value) return undefined;
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`Invalid setting ${name}: must be 32 bytes encoded in base64`);
  }
  return key;
}

/**
 * Every attempt's timeout plus the SDK's back-off between attempts (at most 2 s each, see
 * mercadopago-sdk.ts), twice over for a search followed by a read, with a margin.
 */
function leaseSeconds(timeoutMs: number, maxRetries: number): number {
  const oneCallMs = (maxRetries + 1) * timeoutMs + maxRetries * 2_000;
  return Math.ceil((2 * oneCallMs) / 1000) + 30;
}

/** An address or CIDR (`10.0.0.0/8`, `::1/128`) as proxy-addr takes them. */
function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !isIP(address)) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.every(isAddressOrRange)) return entries;
  throw new ConfigError(
    "Invalid setting TRUST_PROXY: must be false, true, a hop count (1-99), or the proxies' " +
      'addresses or CIDRs, comma-separated (e.g. 10.0.0.0/8,127.0.0.1)',
  );
}

function describe(errors: ReturnType<typeof validateSync>): string {
  const first = errors[0];
  const reasons = [...new Set(Object.values(first.constraints ?? {}))].join('; ');
  return `Invalid setting ${first.property}: ${reasons}`;
}

/** Validates the environment; throws ConfigError with one line naming the bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, { ...env }, { exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: true, skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigError(describe(errors));

  const production = vars.NODE_ENV === 'production';
  const encryptionKey = decodeKey('CREDENTIALS_ENCRYPTION_KEY', vars.CREDENTIALS_ENCRYPTION_KEY);
  if (!encryptionKey && production) {
    throw new ConfigError(
      'Missing setting CREDENTIALS_ENCRYPTION_KEY: required when NODE_ENV=production (32 bytes, base64)',
    );
  }

  let mercadoPago: MercadoPagoTarget;
  if (vars.MERCADOPAGO_API_URL) {
    mercadoPago = { kind: 'remote', url: vars.MERCADOPAGO_API_URL.replace(/\/+$/, '') };
  } else if (production) {
    mercadoPago = { kind: 'remote', url: 'https://api.mercadopago.com' };
  } else {
    mercadoPago = {
      kind: 'embedded-emulator',
      port: vars.EMULATOR_PORT,
      timeScale: vars.EMULATOR_TIME_SCALE,
    };
  }

  return new AppConfig({
    env: vars.NODE_ENV,
    port: vars.PORT,
    host: vars.HOST,
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT ?? (vars.NODE_ENV === 'development' ? 'pretty' : 'json'),
    database: vars.DATABASE_URL
      ? { kind: 'postgres', url: vars.DATABASE_URL }
      : { kind: 'pglite', dataDir: vars.DATA_DIR },
    dataDir: vars.DATA_DIR,
    mercadoPago,
    mercadoPagoClient: {
      timeoutMs: vars.MERCADOPAGO_TIMEOUT_MS,
      maxRetries: vars.MERCADOPAGO_MAX_RETRIES,
    },
    seedCredentials: {
      accessToken: vars.MERCADOPAGO_ACCESS_TOKEN,
      publicKey: vars.MERCADOPAGO_PUBLIC_KEY,
      webhookSecret: vars.MERCADOPAGO_WEBHOOK_SECRET,
    },
    encryptionKey,
    previousEncryptionKey: decodeKey(
      'CREDENTIALS_PREVIOUS_ENCRYPTION_KEY',
      vars.CREDENTIALS_PREVIOUS_ENCRYPTION_KEY,
    ),
    credentials: {
      rotationOverlapHours: vars.CREDENTIALS_ROTATION_OVERLAP_HOURS,
      allowSandboxInProduction: vars.ALLOW_SANDBOX_CREDENTIALS_IN_PRODUCTION,
    },
    adminToken: vars.ADMIN_TOKEN,
    authCache: { ttlSeconds: vars.AUTH_CACHE_TTL_SECONDS },
    lookupsCache: { ttlSeconds: vars.LOOKUPS_CACHE_TTL_SECONDS },
    rateLimit: { limit: vars.API_RATE_LIMIT, windowSeconds: vars.API_RATE_LIMIT_WINDOW_SECONDS },
    reconcileIntervalSeconds: vars.RECONCILE_INTERVAL_SECONDS,
    sweep: {
      intervalSeconds: vars.SWEEP_INTERVAL_SECONDS,
      maxPagesPerRun: vars.SWEEP_MAX_PAGES_PER_RUN,
      firstLookbackHours: vars.SWEEP_FIRST_LOOKBACK_HOURS,
    },
    payments: {
      resendWindowSeconds: vars.PAYMENT_RESEND_WINDOW_SECONDS,
      sync: {
        firstSeconds: vars.PAYMENT_SYNC_FIRST_SECONDS,
        watchSeconds: vars.PAYMENT_WATCH_SCHEDULE_SECONDS,
      },
    },
    reports: { settlementMaxDays: vars.SETTLEMENT_REPORT_MAX_DAYS },
    idempotencyLeaseSeconds: leaseSeconds(
      vars.MERCADOPAGO_TIMEOUT_MS,
      vars.MERCADOPAGO_MAX_RETRIES,
    ),
    webhooks: {
      acceptIpn: vars.WEBHOOK_ACCEPT_IPN,
      timestampToleranceSeconds: vars.WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
      workerIntervalMs: vars.WEBHOOK_WORKER_INTERVAL_MS,
      maxAttempts: vars.WEBHOOK_MAX_ATTEMPTS,
      notFoundMaxAttempts: Math.min(vars.WEBHOOK_NOT_FOUND_MAX_ATTEMPTS, vars.WEBHOOK_MAX_ATTEMPTS),
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS,
    },
    events: {
      retryScheduleSeconds: vars.EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS,
      workerIntervalMs: vars.EVENT_WORKER_INTERVAL_MS,
      disableAfterMs: Math.round(vars.EVENT_ENDPOINT_DISABLE_AFTER_HOURS * 3_600_000),
      allowHttp: vars.EVENT_ENDPOINT_ALLOW_HTTP ?? !production,
      rotationOverlapMs: Math.round(vars.EVENT_SECRET_ROTATION_OVERLAP_HOURS * 3_600_000),
    },
    publicBaseUrl: vars.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    sandbox: { mercadoPagoJsUrl: vars.SANDBOX_MERCADOPAGO_JS_URL },
  });
}

/** The single reader of process.env, for the entry points (main.ts, CLI commands). */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(process.env);
}
