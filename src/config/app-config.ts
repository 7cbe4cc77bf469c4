import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvironmentVariables } from './env.schema';

export class ConfigError extends Error {}

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
  readonly logLevel: string;
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
  readonly publicBaseUrl: string;
  /** How often unsettled payments are re-read from Mercado Pago; 0 turns the sweep off. */
  readonly reconcileIntervalSeconds: number;
  /** Mercado Pago notifications in: see the README's settings table. */
  readonly webhooks: {
    acceptIpn: boolean;
    timestampToleranceSeconds: number;
    /** 0 turns the periodic sweep off (the worker still wakes after each stored notification). */
    workerIntervalMs: number;
    maxAttempts: number;
    retryBaseMs: number;
  };

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

function describe(errors: ReturnType<typeof validateSync>): string {
  const first = errors[0];
  const reasons = Object.values(first.constraints ?? {}).join('; ');
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
    logLevel: vars.LOG_LEVEL,
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
    reconcileIntervalSeconds: vars.RECONCILE_INTERVAL_SECONDS,
    webhooks: {
      acceptIpn: vars.WEBHOOK_ACCEPT_IPN,
      timestampToleranceSeconds: vars.WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
      workerIntervalMs: vars.WEBHOOK_WORKER_INTERVAL_MS,
      maxAttempts: vars.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS,
    },
    publicBaseUrl: (vars.PUBLIC_BASE_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
  });
}

/** The single reader of process.env, for the entry points (main.ts, CLI commands). */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(process.env);
}
