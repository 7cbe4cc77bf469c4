import { randomUUID } from 'node:crypto';
import { EMULATOR_DEFAULT_ACCESS_TOKEN, EMULATOR_DEFAULT_PUBLIC_KEY } from '../../emulator';
import { MercadoPagoEndpoint } from '../../src/mercadopago/mercadopago-endpoint';
import { TestApp, bearer } from './test-app';

export const MLB_MASTER = '5031433215406351';
export const MLB_VISA = '4235647728025682';
export const MLB_CPF = { type: 'CPF', number: '12345678909' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of any shape
export type Json = any;

export const emulatorUrl = (t: TestApp) => t.app.get(MercadoPagoEndpoint).baseUrl;

/** Talks to the app's emulator directly: as a front end would, or through its control API. */
export async function emulator(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${emulatorUrl(t)}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A card token made the way a front end makes it: card data + the public key, at Mercado Pago. */
export async function cardToken(
  t: TestApp,
  cardholder = 'APRO',
  cardNumber = MLB_MASTER,
  publicKey = EMULATOR_DEFAULT_PUBLIC_KEY,
): Promise<string> {
  const { status, body } = await emulator(t, 'POST', `/v1/card_tokens?public_key=${publicKey}`, {
    card_number: cardNumber,
    security_code: '123',
    expiration_month: 11,
    expiration_year: 2030,
    cardholder: { name: cardholder, identification: MLB_CPF },
  });
  if (status !== 201) throw new Error(`card token: ${status} ${JSON.stringify(body)}`);
  return body.id as string;
}

export function paymentBody(token: string, overrides: Record<string, unknown> = {}) {
  return {
    token,
    transaction_amount: 100,
    installments: 1,
    payment_method_id: 'master',
    payer: { email: 'test@testuser.com', identification: MLB_CPF },
    ...overrides,
  };
}

export function postPayment(t: TestApp, body: unknown, key: string = randomUUID(), token?: string) {
  return t
    .http()
    .post('/v1/payments')
    .set(bearer(token ?? t.adminToken))
    .set('idempotency-key', key)
    .send(body as object);
}

/** Charges a fresh card token for `cardholder` and expects a 201. */
export async function pay(
  t: TestApp,
  cardholder = 'APRO',
  overrides: Record<string, unknown> = {},
): Promise<Json> {
  const res = await postPayment(t, paymentBody(await cardToken(t, cardholder), overrides));
  if (res.status !== 201) throw new Error(`payment: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** How many payments Mercado Pago (the emulator) holds for an external reference. */
export async function chargesAt(t: TestApp, externalReference: string): Promise<number> {
  const response = await fetch(
    `${emulatorUrl(t)}/v1/payments/search?external_reference=${encodeURIComponent(externalReference)}`,
    { headers: { authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}` } },
  );
  const json = (await response.json()) as Json;
  return json.paging.total as number;
}
