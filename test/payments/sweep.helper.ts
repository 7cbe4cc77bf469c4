import { sql } from 'drizzle-orm';
import { PaymentsSweep, SweepReport } from '../../src/sweep/payments-sweep';
import {
  Json,
  MLB_CPF,
  cardToken,
  emulator,
  payAtMercadoPago,
  paymentBody,
} from '../support/payments';
import { TestApp } from '../support/test-app';

/** Makes every credentials due and runs one sweep on this instance, as its timer would. */
export async function sweepNow(t: TestApp): Promise<SweepReport> {
  await t.database.db.execute(sql`UPDATE payment_sweeps SET next_run_at = '-infinity'`);
  return t.app.get(PaymentsSweep).runOnce();
}

/** A payment made at Mercado Pago (the emulator) with the access token, not through us. */
export async function payBehindOurBack(
  t: TestApp,
  externalReference: string,
  cardholder = 'APRO',
): Promise<Json> {
  return payAtMercadoPago(
    t,
    paymentBody(await cardToken(t, cardholder), {
      transaction_amount: 25,
      payer: { email: 'panel@testuser.com', identification: MLB_CPF },
      external_reference: externalReference,
    }),
  );
}

/** How many searches the emulator has answered so far. */
export async function searchesAt(t: TestApp): Promise<number> {
  const log = await emulator(t, 'GET', '/__emulator/requests?method=GET&path=/v1/payments/search');
  return (log.body as Json[]).length;
}

/** The sweep's row for every credentials (one here: the default ones). */
export async function sweepRow(t: TestApp): Promise<Json> {
  const result = await t.database.db.execute(sql`SELECT * FROM payment_sweeps`);
  return (result as { rows: Json[] }).rows[0];
}
