import { Transform } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsIn,
  ArrayMinSize,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
    ? Number(value)
    : value;
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
/** "5,300,1800" → [5, 300, 1800]; anything unreadable stays as is for the validator to refuse. */
const toIntList = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\s*\d+(\s*,\s*\d+)*\s*$/.test(value)
    ? value.split(',').map((part) => Number(part.trim()))
    : value;
const SECONDS_LIST = '$property must be whole seconds from 1, comma-separated (e.g. 3600,21600)';
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

const urlOptions = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Every environment variable the service reads, as documented in the README's settings table. */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['postgres', 'postgresql'], require_protocol: true })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(urlOptions)
  MERCADOPAGO_API_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MERCADOPAGO_ACCESS_TOKEN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MERCADOPAGO_PUBLIC_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MERCADOPAGO_WEBHOOK_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsBase64()
  CREDENTIALS_ENCRYPTION_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(24)
  ADMIN_TOKEN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(urlOptions)
  PUBLIC_BASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsBase64()
  CREDENTIALS_PREVIOUS_ENCRYPTION_KEY?: string;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(24 * 30)
  CREDENTIALS_ROTATION_OVERLAP_HOURS = 12;

  @Transform(toBoolean)
  @IsBoolean()
  ALLOW_SANDBOX_CREDENTIALS_IN_PRODUCTION = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  RECONCILE_INTERVAL_SECONDS = 30;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SWEEP_INTERVAL_SECONDS = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  SWEEP_MAX_PAGES_PER_RUN = 10;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(24 * 90)
  SWEEP_FIRST_LOOKBACK_HOURS = 24;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  MERCADOPAGO_TIMEOUT_MS = 8000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5)
  MERCADOPAGO_MAX_RETRIES = 2;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Unset: readable lines in development, JSON lines elsewhere (see AppConfig.logFormat). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['pretty', 'json'])
  LOG_FORMAT?: 'pretty' | 'json';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMULATOR_PORT = 3100;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  EMULATOR_TIME_SCALE = 1;

  /**
   * Which X-Forwarded-For hops to believe: false (the socket's address), true (any), a hop count,
   * or the proxies' addresses/CIDRs, comma-separated. Checked further in loadConfig.
   */
  @IsString()
  @MinLength(1)
  TRUST_PROXY = 'false';

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ACCEPT_IPN = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS = 0;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WEBHOOK_WORKER_INTERVAL_MS = 250;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_MAX_ATTEMPTS = 8;

  /** Reads of a payment id Mercado Pago keeps answering "not found" for, before giving up. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_NOT_FOUND_MAX_ATTEMPTS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600_000)
  WEBHOOK_RETRY_BASE_MS = 1000;

  /** The longest from–to window one settlement export may cover. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3660)
  SETTLEMENT_REPORT_MAX_DAYS = 93;

  /** Re-sends of an unanswered payment happen only this long after it was first sent. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600)
  PAYMENT_RESEND_WINDOW_SECONDS = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  PAYMENT_SYNC_FIRST_SECONDS = 30;

  @Transform(toIntList)
  @IsInt({ each: true, message: SECONDS_LIST })
  @Min(1, { each: true, message: SECONDS_LIST })
  @ArrayMinSize(1, { message: SECONDS_LIST })
  PAYMENT_WATCH_SCHEDULE_SECONDS: number[] = [3600, 21_600, 86_400, 259_200, 604_800, 1_209_600];

  /** Longest a cached service token or credentials entry lives, even if an invalidation is lost. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  AUTH_CACHE_TTL_SECONDS = 30;

  /** Longest a front-end lookup (payment methods, installments, …) is served from memory. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  LOOKUPS_CACHE_TTL_SECONDS = 3600;

  /** Requests one service token may make per API_RATE_LIMIT_WINDOW_SECONDS; 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  API_RATE_LIMIT = 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  API_RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Waits before each retry of a failed delivery; after the last one it is dead. */
  @Transform(toIntList)
  @IsInt({ each: true, message: SECONDS_LIST })
  @Min(1, { each: true, message: SECONDS_LIST })
  @ArrayMinSize(1, { message: SECONDS_LIST })
  EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS: number[] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  EVENT_WORKER_INTERVAL_MS = 1000;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.0001)
  @Max(24 * 90)
  EVENT_ENDPOINT_DISABLE_AFTER_HOURS = 120;

  /** Unset: plain http endpoints are refused in production only. */
  @Transform(({ value }) => toBoolean({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsBoolean()
  EVENT_ENDPOINT_ALLOW_HTTP?: boolean;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(24 * 30)
  EVENT_SECRET_ROTATION_OVERLAP_HOURS = 24;

  /** Unset: the emulator's stand-in, or Mercado Pago's own script when its API is the real one. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(urlOptions)
  SANDBOX_MERCADOPAGO_JS_URL?: string;
}
