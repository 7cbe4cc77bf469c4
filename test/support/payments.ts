import { randomUUID } from 'node:crypto';
import { SQL, sql } from 'drizzle-orm';
import { EMULATOR_DEFAULT_ACCESS_TOKEN, EMULATOR_DEFAULT_PUBLIC_KEY } from '../../emulator';
import { MercadoPagoEndpoint } from '../../src/mercadopago/mercadopago-endpoint';
import { PaymentsReconciler } from '../../src/payments/payments.reconciler';
import { eventually } from './eventually';
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

/**
 * A payment made at Mercado Pago (the emulator) with the account's access token, not through
 * this service, as its panel or another integration would; its JSON, or an error unless 201.
 */
export async function payAtMercadoPago(t: TestApp, body: Record<string, unknown>): Promise<Json> {
  const response = await fetch(`${emulatorUrl(t)}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}`,
      'content-type': 'application/json',
      'x-idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Json;
  if (response.status !== 201) {
    throw new Error(`payment at Mercado Pago: ${response.status} ${JSON.stringify(answer)}`);
  }
  return answer;
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

/** Our payments with this external_reference, as GET /v1/payments lists them. */
export async function paymentsByReference(t: TestApp, reference: string): Promise<Json[]> {
  const res = await t
    .http()
    .get(`/v1/payments?external_reference=${encodeURIComponent(reference)}`)
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.data as Json[];
}

/** POST …/refunds: `{amount}` for part, no body for the rest. */
export function postRefund(
  t: TestApp,
  paymentId: string,
  body?: object,
  key: string = randomUUID(),
) {
  const req = t
    .http()
    .post(`/v1/payments/${paymentId}/refunds`)
    .set(bearer(t.adminToken))
    .set('idempotency-key', key);
  return body === undefined ? req.send() : req.send(body);
}

export async function refundsOf(t: TestApp, paymentId: string): Promise<Json[]> {
  const res = await t
    .http()
    .get(`/v1/payments/${paymentId}/refunds`)
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.data as Json[];
}

/**
 * Brings the reconciler's next look at the matching payments forward (ahead of anything else due),
 * then runs sweeps until each was claimed: a sweep passes by a row another transaction holds
 * locked (the notifications worker applying a notification), as another instance's would.
 * Returns how many payments and refunds the sweeps looked at.
 */
export async function syncNow(t: TestApp, where: SQL = sql`true`): Promise<number> {
  await t.database.db.execute(sql`UPDATE payments SET next_sync_at = '-infinity' WHERE ${where}`);
  let looked = 0;
  await eventually('the reconciler to claim every matching payment', async () => {
    looked += await t.app.get(PaymentsReconciler).runOnce();
    const left = await t.database.db.execute(
      sql`SELECT 1 FROM payments WHERE next_sync_at = '-infinity' LIMIT 1`,
    );
    return (left as { rows: unknown[] }).rows.length === 0;
  });
  return looked;
}
