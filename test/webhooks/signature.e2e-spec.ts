import { randomUUID } from 'node:crypto';
import { WebhookSignatureValidator } from 'mercadopago';
import { EMULATOR_DEFAULT_WEBHOOK_SECRET } from '../../emulator';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { Json } from '../support/payments';
import {
  defaultCredentialId,
  listNotifications,
  postWebhook,
  signedHeaders,
} from './webhooks.helper';

const INVALID = {
  error: {
    code: 'WEBHOOK_SIGNATURE_INVALID',
    message: expect.any(String),
    request_id: expect.any(String),
  },
};

/** A payment id nobody has used, so its rows (or their absence) are this test's alone. */
let nextId = 9_000_000_000;
const freshId = () => String((nextId += 1));

describe('Mercado Pago notifications in: signatures, IPN and what is stored', () => {
  let t: TestApp;
  let credentialId: string;

  beforeAll(async () => {
    // No sweep and a long back-off: Mercado Pago knows none of these ids, so rows stay pending.
    t = await startTestApp({
      env: { WEBHOOK_WORKER_INTERVAL_MS: '0', WEBHOOK_RETRY_BASE_MS: '600000' },
    });
    credentialId = await defaultCredentialId(t);
  });
  afterAll(() => t.close());

  const stored = (dataId: string) => listNotifications(t, { resource_id: dataId });
  const metric = async (channel: string, result: string) => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    const line = new RegExp(
      `^mercadopago_notifications_received_total\\{channel="${channel}",result="${result}"\\} (\\d+)$`,
      'm',
    ).exec(text);
    return Number(line?.[1] ?? 0);
  };

  it('should accept a correctly signed webhook, store it and answer 200 at once', async () => {
    const dataId = freshId();
    const headers = signedHeaders(dataId);
    // The official SDK agrees with our manifest.
    expect(() =>
      WebhookSignatureValidator.validate({
        xSignature: headers['x-signature'],
        xRequestId: headers['x-request-id'],
        dataId,
        secret: EMULATOR_DEFAULT_WEBHOOK_SECRET,
      }),
    ).not.toThrow();

    const res = await postWebhook(t, credentialId, dataId, headers).expect(200);
    expect(res.body).toEqual({ status: 'accepted' });
    const [row] = await stored(dataId);
    expect(row).toMatchObject({
      credential_id: credentialId,
      topic: 'payment',
      resource_id: dataId,
      action: 'payment.updated',
      // The worker may already have tried it (the emulator knows no such payment).
      status: expect.stringMatching(/^(pending|processing)$/),
      signature: 'verified',
      received_count: 1,
      channels: { webhook: 1, ipn: 0 },
    });
  });

  it('should accept ts in seconds as well as milliseconds', async () => {
    const dataId = freshId();
    const ts = String(Math.floor(Date.now() / 1000));
    await postWebhook(t, credentialId, dataId, signedHeaders(dataId, { ts })).expect(200);
    expect(await stored(dataId)).toHaveLength(1);
  });

  it.each([
    [
      'a forged signature',
      (id: string) => ({
        ...signedHeaders(id),
        'x-signature': `ts=${Date.now()},v1=${'ab'.repeat(32)}`,
      }),
    ],
    ['no x-signature header', (_id: string) => ({ 'x-request-id': randomUUID() })],
    ['a malformed x-signature', (id: string) => ({ ...signedHeaders(id), 'x-signature': 'v1=zz' })],
    ['the wrong secret', (id: string) => signedHeaders(id, { secret: 'not-the-secret' })],
    [
      'a signature replayed with another data.id',
      (id: string) => signedHeaders(String(Number(id) + 1)),
    ],
    [
      'another x-request-id than the signed one',
      (id: string) => ({ ...signedHeaders(id), 'x-request-id': randomUUID() }),
    ],
  ])('should answer 401 and store nothing for %s', async (_name, headersFor) => {
    const dataId = freshId();
    const res = await postWebhook(t, credentialId, dataId, headersFor(dataId)).expect(401);
    expect(res.body).toEqual(INVALID);
    expect(await stored(dataId)).toEqual([]);
  });

  it('should count rejected signatures by reason', async () => {
    const before = await metric('webhook', 'mismatch');
    const dataId = freshId();
    await postWebhook(t, credentialId, dataId, signedHeaders(dataId, { secret: 'x' })).expect(401);
    expect(await metric('webhook', 'mismatch')).toBe(before + 1);
    expect(await metric('webhook', 'missing_signature')).toBeGreaterThanOrEqual(1);
  });

  it('should answer unknown credentials exactly like a bad signature', async () => {
    const dataId = freshId();
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await postWebhook(t, id, dataId, signedHeaders(dataId)).expect(401);
      expect(res.body).toEqual(INVALID);
    }
    expect(await stored(dataId)).toEqual([]);
  });

  it('should take the legacy IPN form as an unsigned hint and fold it with the webhook', async () => {
    const dataId = freshId();
    await t
      .http()
      .post(`/webhooks/mercadopago/${credentialId}?topic=payment&id=${dataId}`)
      .send({ resource: dataId, topic: 'payment' })
      .expect(200, { status: 'accepted' });
    await postWebhook(t, credentialId, dataId, signedHeaders(dataId)).expect(200);
    await postWebhook(t, credentialId, dataId, signedHeaders(dataId)).expect(200);

    const rows = await stored(dataId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: expect.stringMatching(/^(pending|processing)$/),
      signature: 'verified',
      received_count: 3,
      channels: { webhook: 2, ipn: 1 },
    });
  });

  it('should store and acknowledge unknown topics without processing them', async () => {
    const orderId = `ORD${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    await postWebhook(t, credentialId, orderId, signedHeaders(orderId), 'order').expect(200, {
      status: 'ignored',
    });
    await t
      .http()
      .post(`/webhooks/mercadopago/${credentialId}?topic=merchant_order&id=77`)
      .expect(200, { status: 'ignored' });
    const [order] = await stored(orderId);
    expect(order).toMatchObject({ topic: 'order', status: 'ignored', signature: 'verified' });
    const [merchantOrder] = await listNotifications(t, { topic: 'merchant_order' });
    expect(merchantOrder).toMatchObject({ resource_id: '77', signature: 'unsigned_ipn' });
    await t
      .http()
      .post(`/v1/notifications/${order.id}/retry`)
      .set(bearer(t.adminToken))
      .expect(409)
      .expect((res) => expect(res.body.error.code).toBe('NOTIFICATION_INVALID_STATE'));
  });

  it('should list with filters and cursor pages, for webhooks:admin only', async () => {
    const page1 = await t
      .http()
      .get('/v1/notifications')
      .query({ limit: 2, status: 'pending' })
      .set(bearer(t.adminToken))
      .expect(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await t
      .http()
      .get('/v1/notifications')
      .query({ limit: 2, status: 'pending', cursor: page1.body.next_cursor })
      .set(bearer(t.adminToken))
      .expect(200);
    const ids = [...page1.body.data, ...page2.body.data].map((r: Json) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(page2.body.data.every((r: Json) => r.status === 'pending')).toBe(true);

    await t.http().get('/v1/notifications').expect(401);
    const token = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name: `reader-${randomUUID()}`, scopes: ['payments:read'] })
      .expect(201);
    await t.http().get('/v1/notifications').set(bearer(token.body.token)).expect(403);
    await t
      .http()
      .get('/v1/notifications')
      .query({ cursor: 'bogus' })
      .set(bearer(t.adminToken))
      .expect(400);
  });

  it('should accept the previous webhook secret only during the rotation overlap', async () => {
    await t
      .http()
      .post(`/v1/credentials/${credentialId}/rotate`)
      .set(bearer(t.adminToken))
      .send({ webhook_secret: 'second-secret' })
      .expect(200);
    const oldId = freshId();
    await postWebhook(t, credentialId, oldId, signedHeaders(oldId)).expect(200);
    const newId = freshId();
    await postWebhook(
      t,
      credentialId,
      newId,
      signedHeaders(newId, { secret: 'second-secret' }),
    ).expect(200);
    expect((await stored(oldId))[0].signature).toBe('verified_previous_secret');
    expect((await stored(newId))[0].signature).toBe('verified');

    // A second rotation replaces the overlap: the first secret is no longer accepted.
    await t
      .http()
      .post(`/v1/credentials/${credentialId}/rotate`)
      .set(bearer(t.adminToken))
      .send({ webhook_secret: 'third-secret' })
      .expect(200);
    const staleId = freshId();
    await postWebhook(t, credentialId, staleId, signedHeaders(staleId)).expect(401);
    const overlapId = freshId();
    await postWebhook(
      t,
      credentialId,
      overlapId,
      signedHeaders(overlapId, { secret: 'second-secret' }),
    ).expect(200);
  });
});

describe('Mercado Pago notifications in: settings and the failure rate limit', () => {
  let t: TestApp;
  let credentialId: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOK_ACCEPT_IPN: 'false',
        WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS: '300',
        WEBHOOK_WORKER_INTERVAL_MS: '0',
        CREDENTIALS_ROTATION_OVERLAP_HOURS: '0',
      },
    });
    credentialId = await defaultCredentialId(t);
  });
  afterAll(() => t.close());

  it('should acknowledge IPN but store nothing when WEBHOOK_ACCEPT_IPN is false', async () => {
    await t
      .http()
      .post(`/webhooks/mercadopago/${credentialId}?topic=payment&id=123`)
      .expect(200, { status: 'ignored' });
    expect(await listNotifications(t)).toEqual([]);
  });

  it('should reject a timestamp outside the tolerance, in seconds or milliseconds', async () => {
    const old = Date.now() - 600_000;
    for (const ts of [String(old), String(Math.floor(old / 1000))]) {
      await postWebhook(t, credentialId, '1', signedHeaders('1', { ts })).expect(401);
    }
    await postWebhook(t, credentialId, '1', signedHeaders('1')).expect(200);
  });

  it('should stop accepting the old secret at once with no rotation overlap', async () => {
    await t
      .http()
      .post(`/v1/credentials/${credentialId}/rotate`)
      .set(bearer(t.adminToken))
      .send({ webhook_secret: 'fresh-secret' })
      .expect(200);
    await postWebhook(t, credentialId, '2', signedHeaders('2')).expect(401);
    await postWebhook(t, credentialId, '2', signedHeaders('2', { secret: 'fresh-secret' })).expect(
      200,
    );
  });

  it('should turn away a source that keeps failing the signature check, even with a valid one', async () => {
    let res;
    do {
      res = await postWebhook(t, credentialId, '3', signedHeaders('3', { secret: 'guess' }));
    } while (res.status === 401);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('REQUEST_RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await postWebhook(t, credentialId, '3', signedHeaders('3', { secret: 'fresh-secret' })).expect(
      429,
    );
  });
});
