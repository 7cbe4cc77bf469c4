import { MercadoPagoConfig, MercadoPagoError } from 'mercadopago';
import { AppConfig as SdkAppConfig } from 'mercadopago/dist/utils/config';
import { Secret } from '../common/secret';
import { UnexpectedGatewayResponse } from './mercadopago-payment.mapper';
import {
  GatewayNotFoundError,
  GatewayRejectedError,
  GatewayUnauthorizedError,
  GatewayUnavailableError,
} from '../common/errors/gateway-errors';

export interface SdkTuning {
  /** Per attempt. The SDK's default is 60 s, up to ~4 minutes for one call with its retries. */
  timeoutMs: number;
  /** The SDK retries 429/5xx/network itself, with the same idempotency key. */
  maxRetries: number;
}

let tuning: SdkTuning = { timeoutMs: 8_000, maxRetries: 2 };

/**
 * The SDK hard-codes https://api.mercadopago.com; this static is its only lever (the package is
 * pinned exactly for it, and a test fails if an upgrade moves it). Being a static, it is
 * process-wide: one process talks to one Mercado Pago.
 */
export function configureSdk(baseUrl: string, settings: SdkTuning): void {
  (SdkAppConfig as unknown as { BASE_URL: string }).BASE_URL = baseUrl;
  tuning = settings;
}

/**
 * A fresh config for every call: the SDK writes per-call options back into the config object it
 * was given (sdk-nodejs #481), so a shared one would leak one call's idempotency key into the next.
 */
export function sdkConfig(accessToken: Secret): MercadoPagoConfig {
  return new MercadoPagoConfig({
    accessToken: accessToken.reveal(),
    options: {
      timeout: tuning.timeoutMs,
      maxRetries: tuning.maxRetries,
      initialDelay: 200,
      maxDelay: 2_000,
    },
  });
}

/** Maps the SDK's error classes to ours: "no answer" vs "refused" vs "not there". */
export function toGatewayError(error: unknown, action: string): Error {
  // Mercado Pago answered, but not with something we can read: the outcome is as unknown as if
  // it had not answered, so whatever was attempted stays resumable.
  if (error instanceof UnexpectedGatewayResponse) {
    return new GatewayUnavailableError(
      `Mercado Pago's answer could not be read (${action}): ${error.message}`,
      false,
    );
  }
  if (!(error instanceof MercadoPagoError)) {
    return new GatewayUnavailableError(`Mercado Pago did not answer (${action})`, false);
  }
  const status = error.status;
  if (status === 0) {
    const timedOut = /timeout|abort/i.test(error.message);
    return new GatewayUnavailableError(`Mercado Pago did not answer in time (${action})`, timedOut);
  }
  if (status === 404)
    return new GatewayNotFoundError(`Mercado Pago has no such resource (${action})`);
  if (status >= 500 || status === 429 || status === 423 || status === 424) {
    return new GatewayUnavailableError(
      `Mercado Pago is unavailable (${action}: HTTP ${status})`,
      false,
    );
  }
  const causes = (error.causes as { code?: unknown; description?: unknown }[]).map((cause) => ({
    code: String(cause.code),
    description: typeof cause.description === 'string' ? cause.description : '',
  }));
  const Refusal = status === 401 ? GatewayUnauthorizedError : GatewayRejectedError;
  return new Refusal(
    `Mercado Pago refused the request (${action}): ${error.message}`,
    status,
    causes,
  );
}
