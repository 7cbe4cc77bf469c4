import { randomUUID } from 'node:crypto';
import { EMULATOR_DEFAULT_WEBHOOK_SECRET } from '../../emulator';
import { buildManifest, sign } from '../../src/webhooks/inbound/signature';
import { NotificationsWorker } from '../../src/webhooks/inbound/notifications.worker';
import { Json, emulator } from '../support/payments';
import { TestApp, bearer } from '../support/test-app';

export async function defaultCredentialId(t: TestApp): Promise<string> {
  const res = await t.http().get('/v1/credentials').set(bearer(t.adminToken)).expect(200);
  const found = (res.body.data as Json[]).find((c) => c.is_default);
  if (!found) throw new Error('no default credentials');
  return found.id as string;
}

/** Headers as Mercado Pago signs them (the fact sheet's manifest rule). */
export function signedHeaders(
  dataId: string | undefined,
  options: { secret?: string; requestId?: string; ts?: string } = {},
): Record<string, string> {
  const requestId = options.requestId ?? randomUUID();
  const ts = options.ts ?? String(Date.now());
  const v1 = sign(
    options.secret ?? EMULATOR_DEFAULT_WEBHOOK_SECRET,
    buildManifest(dataId, requestId, ts),
  );
  return { 'x-request-id': requestId, 'x-signature': `ts=${ts},v1=${v1}` };
}

/** POSTs a webhook the way Mercado Pago does: `?data.id=…&type=payment` and a JSON body. */
export function postWebhook(
  t: TestApp,
  credentialId: string,
  dataId: string,
  headers: Record<string, string>,
  type = 'payment',
) {
  const query = new URLSearchParams({ 'data.id': dataId, type });
  return t
    .http()
    .post(`/webhooks/mercadopago/${credentialId}?${query.toString()}`)
    .set(headers)
    .send({
      action: 'payment.updated',
      api_version: 'v1',
      data: { id: dataId },
      id: String(Date.now()),
      type,
    });
}

export async function listNotifications(
  t: TestApp,
  query: Record<string, string> = {},
): Promise<Json[]> {
  const res = await t
    .http()
    .get('/v1/notifications')
    .query(query)
    .set(bearer(t.adminToken))
    .expect(200);
  return res.body.data as Json[];
}

export async function getPayment(t: TestApp, id: string): Promise<Json> {
  const res = await t.http().get(`/v1/payments/${id}`).set(bearer(t.adminToken)).expect(200);
  return res.body;
}

import { eventually } from '../support/eventually';

export { eventually };

/**
 * Every notification about `resourceId` (a payment's or a chargeback's id) settled, done or dead,
 * and at least `count` of them: their rows, newest first.
 */
export const notificationsSettled = (t: TestApp, resourceId: string | number, count = 1) =>
  eventually(`notifications of ${resourceId} settled`, async () => {
    const rows = await listNotifications(t, { resource_id: String(resourceId) });
    return (
      rows.length >= count &&
      rows.every((row) => row.status === 'done' || row.status === 'dead') &&
      rows
    );
  });

/** Moves a payment at the emulator, as Mercado Pago would on its side (it then notifies). */
export async function transition(t: TestApp, mercadopagoId: number, status: string, force = false) {
  const res = await emulator(t, 'POST', `/__emulator/payments/${mercadopagoId}/transition`, {
    status,
    force,
  });
  if (res.status !== 200) throw new Error(`transition: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const worker = (t: TestApp) => t.app.get(NotificationsWorker);

/** The emulator's delivery log: what it sent us and what we answered. */
export async function deliveries(t: TestApp): Promise<Json[]> {
  return (await emulator(t, 'GET', '/__emulator/notifications')).body.deliveries as Json[];
}
