import { Transform } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsIn,
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

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMULATOR_PORT = 3100;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  EMULATOR_TIME_SCALE = 1;

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_ACCEPT_IPN = true;

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

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600_000)
  WEBHOOK_RETRY_BASE_MS = 1000;
}
