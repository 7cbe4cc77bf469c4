import { Account, createCredentials } from '../credentials/credentials.helper';
import { createToken } from './auth.helper';
import { Json, cardToken, pay, paymentBody, postPayment } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  defaultCredentialId,
  listNotifications,
  postWebhook,
  signedHeaders,
} from '../webhooks/webhooks.helper';

/**
 * An internal service of one country holds a token limited to that country's credentials: it
 * sees and acts only on their payments, customers and notifications.
 */
describe('Tokens limited to some credentials', () => {
  let t: TestApp;
  let account: Account;
  let ownId: string;
  let otherId: string;
  let limited: string;
  let own: Json;
  let foreign: Json;

  beforeAll(async () => {
    t = await startTestApp();
    otherId = await defaultCredentialId(t);
    ({ id: ownId, account } = await createCredentials(t, 'country-b', { site_id: 'MLB' }));
    const scopes = ['payments:read', 'payments:write', 'refunds:write', 'customers:write'];
    const created = await createToken(t, [...scopes, 'webhooks:admin'], [ownId]);
    expect(created.credential_ids).toEqual([ownId]);
    limited = created.token;

    foreign = await pay(t);
    const ownCard = await cardToken(t, 'APRO', undefined, account.public_key);
    own = (
      await postPayment(
        t,
        paymentBody(ownCard, { credential_id: ownId }),
        undefined,
        limited,
      ).expect(201)
    ).body;
  });
  afterAll(() => t.close());

  it('should list and show only the payments of its credentials', async () => {
    const list = await t.http().get('/v1/payments').set(bearer(limited)).expect(200);
    expect((list.body.data as Json[]).map((p) => p.id)).toEqual([own.id]);
    await t.http().get(`/v1/payments/${own.id}`).set(bearer(limited)).expect(200);
    const hidden = await t
      .http()
      .get(`/v1/payments/${foreign.id}`)
      .set(bearer(limited))
      .expect(404);
    expect(hidden.body.error.code).toBe('PAYMENT_NOT_FOUND');
    await t.http().get(`/v1/payments/${foreign.id}/refunds`).set(bearer(limited)).expect(404);
  });

  it("should not refund, capture, cancel or sync another credentials' payment", async () => {
    const refund = await t
      .http()
      .post(`/v1/payments/${foreign.id}/refunds`)
      .set(bearer(limited))
      .set('idempotency-key', 'limited-refund-1')
      .expect(404);
    expect(refund.body.error.code).toBe('PAYMENT_NOT_FOUND');
    for (const action of ['capture', 'cancel', 'sync']) {
      await t.http().post(`/v1/payments/${foreign.id}/${action}`).set(bearer(limited)).expect(404);
    }
    const untouched = await t
      .http()
      .get(`/v1/payments/${foreign.id}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(untouched.body).toMatchObject({ status: 'approved', amount_refunded: 0 });

    await t
      .http()
      .post(`/v1/payments/${own.id}/refunds`)
      .set(bearer(limited))
      .set('idempotency-key', 'limited-refund-2')
      .expect(201);
  });

  it('should refuse to charge or show public keys with other credentials, the default included', async () => {
    const card = await cardToken(t);
    const byDefault = await postPayment(t, paymentBody(card), undefined, limited).expect(403);
    expect(byDefault.body.error).toMatchObject({
      code: 'AUTH_CREDENTIALS_NOT_ALLOWED',
      details: { credential_id: otherId },
    });
    await postPayment(t, paymentBody(card, { credential_id: otherId }), undefined, limited).expect(
      403,
    );
    await t.http().get('/v1/credentials/default/public-key').set(bearer(limited)).expect(403);
    const key = await t
      .http()
      .get(`/v1/credentials/${ownId}/public-key`)
      .set(bearer(limited))
      .expect(200);
    expect(key.body.public_key).toBe(account.public_key);
  });

  it('should see and use only the customers of its credentials', async () => {
    const email = 'limited-buyer@testuser.com';
    const theirs = await t
      .http()
      .post('/v1/customers')
      .set(bearer(t.adminToken))
      .send({ email })
      .expect(201);
    await t.http().post('/v1/customers').set(bearer(limited)).send({ email }).expect(403);
    const found = await t
      .http()
      .get('/v1/customers')
      .query({ email })
      .set(bearer(limited))
      .expect(200);
    expect(found.body.data).toEqual([]);
    await t.http().get(`/v1/customers/${theirs.body.id}/cards`).set(bearer(limited)).expect(404);
    await t
      .http()
      .delete(`/v1/customers/${theirs.body.id}/cards/1234`)
      .set(bearer(limited))
      .expect(404);

    const mine = await t
      .http()
      .post('/v1/customers')
      .set(bearer(limited))
      .send({ email, credential_id: ownId })
      .expect(201);
    const both = await t
      .http()
      .get('/v1/customers')
      .query({ email })
      .set(bearer(limited))
      .expect(200);
    expect((both.body.data as Json[]).map((c) => c.id)).toEqual([mine.body.id]);
  });

  it('should list and retry only the notifications of its credentials', async () => {
    await postWebhook(
      t,
      otherId,
      String(foreign.mercadopago_id),
      signedHeaders(String(foreign.mercadopago_id)),
    ).expect(200);
    const ownHeaders = signedHeaders(String(own.mercadopago_id), {
      secret: account.webhook_secret,
    });
    await postWebhook(t, ownId, String(own.mercadopago_id), ownHeaders).expect(200);

    const all = await listNotifications(t);
    const theirs = all.find((n) => n.credential_id === otherId);
    expect(theirs).toBeDefined();
    const seen = await t.http().get('/v1/notifications').set(bearer(limited)).expect(200);
    const credentialIds = new Set((seen.body.data as Json[]).map((n) => n.credential_id));
    expect([...credentialIds]).toEqual([ownId]);
    await t.http().post(`/v1/notifications/${theirs.id}/retry`).set(bearer(limited)).expect(404);
  });

  it('should refuse to limit a token to credentials that do not exist', async () => {
    const res = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .send({
        name: 'typo',
        scopes: ['payments:read'],
        credential_ids: ['00000000-0000-4000-8000-000000000000'],
      })
      .expect(404);
    expect(res.body.error.code).toBe('CREDENTIAL_NOT_FOUND');
  });
});
