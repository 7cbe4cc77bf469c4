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
      env: {
        WEBHOOK_WORKER_INTERVAL_MS: '0',
        WEBHOOK_RETRY_BASE_MS: '600000',
        WEBHOOK_ACCEPT_IPN: 'true',
      },
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

  const ipn = (dataId: string, topic = 'payment') =>
    t
      .http()
      .post(`/webhooks/mercadopago/${credentialId}?topic=${topic}&id=${dataId}`)
      .send({ resource: dataId, topic });

  it('should let the unsigned IPN form only join a notification a signed webhook opened', async () => {
    const dataId = freshId();
    await postWebhook(t, credentialId, dataId, signedHeaders(dataId)).expect(200);
    await ipn(dataId).expect(200, { status: 'accepted' });
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

  it('should store nothing for an unsigned IPN on its own, whatever its topic or id', async () => {
    const dataId = freshId();
    await ipn(dataId).expect(200, { status: 'ignored' });
    await ipn('77', 'merchant_order').expect(200, { status: 'ignored' });
    await ipn('not-a-payment-id').expect(200, { status: 'ignored' });
    await t
      .http()
      .post(`/webhooks/mercadopago/not-a-uuid?topic=payment&id=${dataId}`)
      .expect(200, { status: 'ignored' });
    expect(await stored(dataId)).toEqual([]);
    expect(await listNotifications(t, { topic: 'merchant_order' })).toEqual([]);
    expect(await metric('ipn', 'ignored')).toBeGreaterThanOrEqual(4);
  });

  it('should store and acknowledge signed notifications of unknown topics without processing them', async () => {
    const orderId = `ORD${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    await postWebhook(t, credentialId, orderId, signedHeaders(orderId), 'order').expect(200, {
      status: 'ignored',
    });
    const [order] = await stored(orderId);
    expect(order).toMatchObject({ topic: 'order', status: 'ignored', signature: 'verified' });
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
        WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS: '300',
        WEBHOOK_WORKER_INTERVAL_MS: '0',
        CREDENTIALS_ROTATION_OVERLAP_HOURS: '0',
      },
    });
    credentialId = await defaultCredentialId(t);
  });
  afterAll(() => t.close());

  it('should acknowledge IPN but store nothing by default (WEBHOOK_ACCEPT_IPN false)', async () => {
    await postWebhook(t, credentialId, '123', signedHeaders('123')).expect(200);
    await t
      .http()
      .post(`/webhooks/mercadopago/${credentialId}?topic=payment&id=123`)
      .expect(200, { status: 'ignored' });
    const [row] = await listNotifications(t, { resource_id: '123' });
    expect(row.channels).toEqual({ webhook: 1, ipn: 0 });
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

  /** Bad signatures until the limit answers 429; the number of 401s before it. */
  const failUntilLimited = async (headers: () => Record<string, string>) => {
    let failures = 0;
    for (;;) {
      const res = await postWebhook(t, credentialId, '3', {
        ...signedHeaders('3', { secret: 'guess' }),
        ...headers(),
      });
      if (res.status !== 401) {
        expect(res.status).toBe(429);
        expect(res.body.error.code).toBe('REQUEST_RATE_LIMITED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        return failures;
      }
      failures += 1;
    }
  };

  it('should ignore X-Forwarded-For without TRUST_PROXY, yet never limit a valid signature', async () => {
    let n = 0;
    // A different claimed address each time: still one sender (the socket), so it is limited.
    const failures = await failUntilLimited(() => ({
      'x-forwarded-for': `203.0.113.${(n += 1) % 250}`,
    }));
    expect(failures).toBeGreaterThan(0);
    await postWebhook(t, credentialId, '3', signedHeaders('3', { secret: 'guess' })).expect(429);
    await postWebhook(t, credentialId, '3', signedHeaders('3', { secret: 'fresh-secret' })).expect(
      200,
    );
  });
});

describe('Mercado Pago notifications in: behind a proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  let credentialId: string;

  beforeAll(async () => {
    // The test client is the load balancer: X-Forwarded-For names the sender.
    t = await startTestApp({
      env: { TRUST_PROXY: '127.0.0.1', WEBHOOK_WORKER_INTERVAL_MS: '0' },
    });
    credentialId = await defaultCredentialId(t);
  });
  afterAll(() => t.close());

  const from = (address: string) => ({ 'x-forwarded-for': address });
  const failUntilLimited = async (address: string, credential = credentialId) => {
    for (let i = 0; i < 100; i++) {
      const res = await postWebhook(t, credential, '5', {
        ...signedHeaders('5', { secret: 'guess' }),
        ...from(address),
      });
      if (res.status === 429) return;
      expect(res.status).toBe(401);
    }
    throw new Error(`${address} was never limited`);
  };

  it('should limit a sender that keeps failing, and never another sender or a valid signature', async () => {
    await failUntilLimited('198.51.100.7');
    await postWebhook(t, credentialId, '5', {
      ...signedHeaders('5', { secret: 'guess' }),
      ...from('198.51.100.7'),
    }).expect(429);

    // Mercado Pago, behind the same balancer: its bad luck is a 401, its signed notifications pass.
    await postWebhook(t, credentialId, '5', {
      ...signedHeaders('5', { secret: 'guess' }),
      ...from('203.0.113.10'),
    }).expect(401);
    await postWebhook(t, credentialId, '6', {
      ...signedHeaders('6'),
      ...from('203.0.113.10'),
    }).expect(200, { status: 'accepted' });
    // Even the limited sender's valid signature is taken.
    await postWebhook(t, credentialId, '7', {
      ...signedHeaders('7'),
      ...from('198.51.100.7'),
    }).expect(200, { status: 'accepted' });
  });

  it('should count failures per credentials: probing unknown ones does not limit real ones', async () => {
    await failUntilLimited('198.51.100.8', randomUUID());
    await postWebhook(t, credentialId, '5', {
      ...signedHeaders('5', { secret: 'guess' }),
      ...from('198.51.100.8'),
    }).expect(401);
  });
});
