import type { Json } from '../support/payments';
import { emulator } from '../support/payments';
import { TestApp, bearer } from '../support/test-app';
import { eventually } from '../webhooks/webhooks.helper';

/** Mercado Pago's side: the card holder disputes an approved payment (control API). */
export async function openChargeback(
  t: TestApp,
  mercadopagoId: number,
  body: object = {},
): Promise<Json> {
  const res = await emulator(t, 'POST', `/__emulator/payments/${mercadopagoId}/chargebacks`, body);
  if (res.status !== 201) throw new Error(`chargeback: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Mercado Pago's side: documentation received or judged, or the decision. */
export async function moveChargeback(t: TestApp, id: string, body: object): Promise<Json> {
  const res = await emulator(t, 'POST', `/__emulator/chargebacks/${id}/transition`, body);
  if (res.status !== 200) throw new Error(`transition: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function listDisputes(t: TestApp, query: Record<string, string> = {}, token?: string) {
  const res = await t
    .http()
    .get('/v1/disputes')
    .query({ limit: '100', ...query })
    .set(bearer(token ?? t.adminToken))
    .expect(200);
  return res.body as { data: Json[]; next_cursor: string | null };
}

/** Our dispute for Mercado Pago's chargeback once it is in `status`. */
export const disputeIn = (t: TestApp, chargebackId: string, status: string) =>
  eventually(`dispute of chargeback ${chargebackId} ${status}`, async () => {
    const found = (await listDisputes(t)).data.find((d) => d.mercadopago_id === chargebackId);
    return found?.status === status && found;
  });
