import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import MercadoPagoConfig, { CardToken, Payment } from 'mercadopago';
import { AppConfig } from 'mercadopago/dist/utils/config';
import type { Options } from 'mercadopago/dist/types';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../emulator';

export const MLB_MASTER = '5031433215406351';
export const MLB_VISA = '4235647728025682';
export const MLB_AMEX = '375365153556885';
export const MLB_CPF = { type: 'CPF', number: '12345678909' };

/** Starts an emulator on a random port with a tiny time scale and points the SDK at it. */
export async function startTestEmulator(
  options: Partial<EmulatorOptions> = {},
): Promise<RunningEmulator> {
  const emulator = await startEmulator({ port: 0, timeScale: 0.0001, logger: false, ...options });
  pointSdkAt(emulator);
  return emulator;
}

/** The SDK hard-codes its base URL; this static is the one lever it has. */
export function pointSdkAt(emulator: RunningEmulator): void {
  (AppConfig as unknown as { BASE_URL: string }).BASE_URL = emulator.url;
}

/**
 * A fresh SDK config per use: the SDK writes per-call options into the shared config
 * (sdk-nodejs issue 481), so one call's idempotency key would stick to the next.
 */
export function mp(
  accessToken = EMULATOR_DEFAULT_ACCESS_TOKEN,
  options: Options = {},
): MercadoPagoConfig {
  return new MercadoPagoConfig({
    accessToken,
    options: { maxRetries: 0, timeout: 5000, ...options },
  });
}

export function key(): { idempotencyKey: string } {
  return { idempotencyKey: randomUUID() };
}

/**
 * Request options that send `X-Render-In-Process-Refunds: true` through the SDK. It has no option
 * for custom headers, but a `headers` option replaces its own (so Authorization goes with it).
 */
export function renderInProcessRefunds(
  accessToken = EMULATOR_DEFAULT_ACCESS_TOKEN,
  options: Options = {},
): Options {
  const headers = {
    Authorization: `Bearer ${accessToken}`,
    'X-Render-In-Process-Refunds': 'true',
  };
  return { ...options, headers } as Options;
}

export async function cardToken(
  name = 'APRO',
  cardNumber = MLB_MASTER,
  accessToken?: string,
  identification: { type: string; number: string } = MLB_CPF,
): Promise<string> {
  // The SDK's CardTokenCreateBody type has no `cardholder`, though the API needs it.
  const body = {
    card_number: cardNumber,
    security_code: cardNumber.startsWith('3') ? '1234' : '123',
    expiration_month: '11',
    expiration_year: '2030',
    cardholder: { name, identification },
  };
  const token = await new CardToken(mp(accessToken)).create({ body });
  return token.id as string;
}

export function paymentBody(token: string, overrides: Record<string, unknown> = {}) {
  return {
    transaction_amount: 100,
    token,
    installments: 1,
    payment_method_id: 'master',
    description: 'Order #123',
    payer: { email: 'test@testuser.com', identification: MLB_CPF },
    ...overrides,
  };
}

/** A card payment with the default seller; the cardholder name decides the outcome. */
export async function pay(name = 'APRO', overrides: Record<string, unknown> = {}) {
  const token = await cardToken(name);
  return new Payment(mp()).create({ body: paymentBody(token, overrides), requestOptions: key() });
}

/** Parsed JSON answers, asserted field by field in the specs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape
export type AnyJson = any;

/** Calls the emulator over plain HTTP (control API, or what the SDK cannot send). */
export async function call(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: AnyJson; headers: Headers }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: AnyJson;
}

/**
 * A local HTTP server standing for the service's webhook endpoint. `answers` are the statuses it
 * replies with, one per request (the last one repeats).
 */
export class Receiver {
  readonly received: ReceivedRequest[] = [];
  answers: number[] = [200];
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      this.received.push({
        method: request.method ?? '',
        url: new URL(request.url ?? '/', 'http://receiver'),
        headers: request.headers,
        body: text ? JSON.parse(text) : null,
      });
      const status =
        this.answers[Math.min(this.received.length - 1, this.answers.length - 1)] ?? 200;
      response.writeHead(status).end();
      this.waiters = this.waiters.filter((w) => {
        if (this.received.length < w.count) return true;
        w.resolve();
        return false;
      });
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/mp`;
    return this;
  }

  /** Resolves once `count` requests in all have arrived. */
  waitFor(count: number): Promise<ReceivedRequest[]> {
    if (this.received.length >= count) return Promise.resolve(this.received);
    return new Promise((resolve) =>
      this.waiters.push({ count, resolve: () => resolve(this.received) }),
    );
  }

  reset(): void {
    this.received.length = 0;
    this.answers = [200];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
