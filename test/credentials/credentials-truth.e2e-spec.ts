import { randomUUID } from 'node:crypto';
import {
  Json,
  MLB_MASTER,
  cardToken,
  emulator,
  emulatorUrl,
  paymentBody,
  postPayment,
} from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-db';
import { eventually } from '../support/eventually';
import {
  listNotifications,
  notificationsSettled,
  postWebhook,
  signedHeaders,
} from '../webhooks/webhooks.helper';
import {
  Account,
  accessToken,
  createBody,
  createCredentials,
  registerAccount,
} from './credentials.helper';

const userIdOf = (token: string) => Number(token.slice(token.lastIndexOf('-') + 1));

async function credentials(t: TestApp, id: string): Promise<Json> {
  return (await t.http().get(`/v1/credentials/${id}`).set(bearer(t.adminToken)).expect(200)).body;
}

async function goLive(
  t: TestApp,
  id: string,
): Promise<Record<string, boolean> & { ready: boolean }> {
  const res = await t.http().get(`/v1/credentials/${id}/go-live`).set(bearer(t.adminToken));
  expect(res.status).toBe(200);
  expect(res.body.credential_id).toBe(id);
  const checks = res.body.checks as {
    id: string;
    title: string;
    passed: boolean;
    detail: string;
  }[];
  for (const check of checks) expect(check.title && check.detail).toBeTruthy();
  return {
    ...Object.fromEntries(checks.map((check) => [check.id, check.passed])),
    ready: res.body.ready as boolean,
  };
}

/** POST /v1/payments calls that reached the emulator. */
async function paymentCalls(t: TestApp): Promise<number> {
  const { body } = await emulator(t, 'GET', '/__emulator/requests?method=POST&path=/v1/payments');
  return (body as Json[]).length;
}

/** Our payments with this external reference, oldest first. */
async function ours(t: TestApp, reference: string): Promise<Json[]> {
  const res = await t
    .http()
    .get(`/v1/payments?external_reference=${reference}`)
    .set(bearer(t.adminToken))
    .expect(200);
  return (res.body.data as Json[]).reverse();
}

/** A Mercado Pago call straight to the emulator with an access token. */
async function withToken(t: TestApp, token: string, path: string): Promise<Json> {
  const response = await fetch(`${emulatorUrl(t)}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.json();
}

describe('Credentials that tell the truth', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No reconciler: a payment left submitting waits for the caller's retry.
    t = await startTestApp({ env: { RECONCILE_INTERVAL_SECONDS: '0' } });
  });

  afterAll(() => t.close());
  afterEach(() => emulator(t, 'DELETE', '/__emulator/faults'));

  it('should mark credentials invalid on a 401, fail fast until rotated, and neither lose nor double a payment', async () => {
    const { id, account } = await createCredentials(t, 'to-be-revoked');
    const reference = `revoked-${randomUUID()}`;
    const token = () => cardToken(t, 'APRO', MLB_MASTER, account.public_key);
    const body = async () =>
      paymentBody(await token(), { credential_id: id, external_reference: reference });

    const first = await postPayment(t, await body()).expect(201);
    expect(first.body.status).toBe('approved');
    // Its notification is settled first: read after the revocation, it would meet the 401 before
    // the payment below does.
    const read = await notificationsSettled(t, first.body.mercadopago_id);
    expect(read.map((row) => row.status)).toEqual(read.map(() => 'done'));
    const refusedBody = await body();
    const fastFailBody = await body();

    // The seller renews the access token in Mercado Pago's panel: the stored one gets 401.
    expect(
      (await emulator(t, 'DELETE', `/__emulator/accounts/${account.access_token}`)).status,
    ).toBe(204);

    const refused = await postPayment(t, refusedBody).expect(422);
    expect(refused.body.error).toMatchObject({
      code: 'GATEWAY_REJECTED',
      details: { mercadopago_status: 401 },
    });
    const marked = await credentials(t, id);
    expect(marked).toMatchObject({
      status: 'invalid',
      invalid_reason: expect.stringContaining('401'),
    });
    expect(new Date(marked.invalid_at as string).getTime()).not.toBeNaN();

    // Nothing more reaches Mercado Pago: the next payment is refused here, and nothing is stored.
    const callsBefore = await paymentCalls(t);
    const fastFail = await postPayment(t, fastFailBody).expect(422);
    expect(fastFail.body.error).toMatchObject({
      code: 'CREDENTIAL_INVALID',
      details: { credential_id: id, invalid_at: marked.invalid_at },
    });
    expect(await paymentCalls(t)).toBe(callsBefore);
    // Reads too: a sync of the approved payment is refused here, not sent.
    const sync = await t
      .http()
      .post(`/v1/payments/${first.body.id}/sync`)
      .set(bearer(t.adminToken))
      .expect(422);
    expect(sync.body.error.code).toBe('CREDENTIAL_INVALID');

    const audit = await t
      .http()
      .get(`/v1/credentials/${id}/audit`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(audit.body.data[0]).toMatchObject({ action: 'invalidated', actor_token_id: 'system' });
    expect(
      t.logs.some((line) => line.includes(`Credentials ${id} (to-be-revoked) marked invalid`)),
    ).toBe(true);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^mercadopago_credentials_invalid 1$/m);
    expect(metrics.text).toMatch(/^mercadopago_credentials_invalidated_total 1$/m);

    // The renewed token (same account, same public key) is checked live and clears the mark.
    const renewed = accessToken('TEST', userIdOf(account.access_token));
    await registerAccount(t, { ...account, access_token: renewed });
    const rotated = await t
      .http()
      .post(`/v1/credentials/${id}/rotate`)
      .set(bearer(t.adminToken))
      .send({ access_token: renewed })
      .expect(200);
    expect(rotated.body).toMatchObject({
      status: 'active',
      invalid_at: null,
      invalid_reason: null,
    });

    const again = await postPayment(t, await body()).expect(201);
    expect(again.body.status).toBe('approved');

    // Approved, failed (refused, nothing charged), approved: two charges, each recorded once.
    expect((await ours(t, reference)).map((p) => p.status)).toEqual([
      'approved',
      'failed',
      'approved',
    ]);
    const charged = await withToken(
      t,
      renewed,
      `/v1/payments/search?external_reference=${reference}`,
    );
    expect(charged.paging.total).toBe(2);
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(
      /^mercadopago_credentials_invalid 0$/m,
    );
  });

  it('should keep a payment sent before without an answer submitting on a 401, and settle it once after rotation', async () => {
    const { id, account } = await createCredentials(t, 'lost-then-revoked');
    const reference = `lost-${randomUUID()}`;
    const key = randomUUID();
    const body = paymentBody(await cardToken(t, 'APRO', MLB_MASTER, account.public_key), {
      credential_id: id,
      external_reference: reference,
    });
    const search = (token: string) =>
      withToken(t, token, `/v1/payments/search?external_reference=${reference}`);

    // Mercado Pago charges, but the answer is lost (every SDK attempt), and so are its
    // notifications: only the caller's retry can settle the payment.
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop', count: 1000 });
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'POST',
      path: '/v1/payments',
      status: 500,
      after: true,
      count: 3,
    });
    expect((await postPayment(t, body, key)).status).toBe(502);
    expect((await search(account.access_token)).paging.total).toBe(1);

    // The token is revoked before the caller retries: the 401 says nothing of the first send.
    await emulator(t, 'DELETE', `/__emulator/accounts/${account.access_token}`);
    const refused = await postPayment(t, body, key).expect(422);
    expect(refused.body.error).toMatchObject({
      code: 'CREDENTIAL_INVALID',
      message: expect.stringContaining('stays submitting'),
    });
    expect((await ours(t, reference)).map((p) => p.status)).toEqual(['submitting']);
    expect((await credentials(t, id)).status).toBe('invalid');

    const renewed = accessToken('TEST', userIdOf(account.access_token));
    await registerAccount(t, { ...account, access_token: renewed });
    await t
      .http()
      .post(`/v1/credentials/${id}/rotate`)
      .set(bearer(t.adminToken))
      .send({ access_token: renewed })
      .expect(200);

    // The same key re-sends under the same X-Idempotency-Key: Mercado Pago's one charge comes back.
    const settled = await postPayment(t, body, key).expect(201);
    const charges = await search(renewed);
    expect(charges.paging.total).toBe(1);
    expect(settled.body).toMatchObject({
      status: 'approved',
      mercadopago_id: charges.results[0].id,
    });
    expect((await ours(t, reference)).map((p) => p.status)).toEqual(['approved']);
  });

  it('should refuse the same refused token on rotate, keeping the credentials invalid', async () => {
    const { id, account } = await createCredentials(t, 'revoked-twice');
    await emulator(t, 'DELETE', `/__emulator/accounts/${account.access_token}`);
    const token = await cardToken(t, 'APRO', MLB_MASTER);
    const res = await postPayment(t, paymentBody(token, { credential_id: id })).expect(422);
    expect(res.body.error.details.mercadopago_status).toBe(401);

    const retry = await t
      .http()
      .post(`/v1/credentials/${id}/rotate`)
      .set(bearer(t.adminToken))
      .send({ access_token: account.access_token })
      .expect(422);
    expect(retry.body.error.code).toBe('CREDENTIAL_CHECK_FAILED');
    expect((await credentials(t, id)).status).toBe('invalid');

    // A notification for them waits for the rotation instead of being given up.
    const dataId = String(900_000_000 + Math.floor(Math.random() * 1_000_000));
    await postWebhook(
      t,
      id,
      dataId,
      signedHeaders(dataId, { secret: account.webhook_secret }),
    ).expect(200);
    // A claimed row counts its attempt at once; its outcome is written when the attempt ends.
    const waiting = await eventually('the notification to be tried', async () => {
      const [row] = (await listNotifications(t)).filter((n: Json) => n.resource_id === dataId);
      return row?.attempts >= 1 && row.status !== 'processing' ? row : undefined;
    });
    expect(waiting).toMatchObject({
      status: 'pending',
      last_error: expect.stringContaining('rotate'),
    });
  });

  it("should recognise a Mercado Pago test user's APP_USR- credentials as sandbox", async () => {
    const testUser = await registerAccount(t, { prefix: 'APP_USR' });
    await emulator(t, 'POST', '/__emulator/accounts', { ...testUser, test_user: true });
    const me = await withToken(t, testUser.access_token, '/users/me');
    expect(me.tags).toContain('test_user');
    expect(me.nickname).toMatch(/^TESTUSER/);

    // Sent as its prefix says; the live check makes it sandbox.
    const created = await t
      .http()
      .post('/v1/credentials')
      .set(bearer(t.adminToken))
      .send(createBody(testUser, 'test-user'))
      .expect(201);
    expect(created.body).toMatchObject({ mode: 'sandbox', test_user: true, status: 'active' });
    expect(
      t.logs.some((line) => line.includes('test-user\\" belong to a Mercado Pago test user')),
    ).toBe(true);
    expect((await goLive(t, created.body.id)).production_credentials).toBe(false);

    const payment = await postPayment(
      t,
      paymentBody(await cardToken(t, 'APRO', MLB_MASTER, testUser.public_key), {
        credential_id: created.body.id,
      }),
    ).expect(201);
    expect(payment.body.status).toBe('approved');

    // Its public key stays an APP_USR- one on update.
    await t
      .http()
      .patch(`/v1/credentials/${created.body.id}`)
      .set(bearer(t.adminToken))
      .send({ public_key: testUser.public_key })
      .expect(200);

    // A real account's APP_USR- values stay production ones.
    const real = await registerAccount(t, { prefix: 'APP_USR' });
    expect((await withToken(t, real.access_token, '/users/me')).tags).not.toContain('test_user');
    const production = await t
      .http()
      .post('/v1/credentials')
      .set(bearer(t.adminToken))
      .send(createBody(real, 'real-production'))
      .expect(201);
    expect(production.body).toMatchObject({ mode: 'production', test_user: false });
  });
});

describe('GET /v1/credentials/{id}/go-live', () => {
  it('should turn each check from failed to passed as a team does them', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestApp({ testDatabase: database });
      let production: { id: string; account: Account };
      try {
        // Day one: sandbox credentials, no webhook secret yet.
        const sandbox = await registerAccount(first);
        const { webhook_secret: secret, ...withoutSecret } = createBody(sandbox, 'sandbox');
        const created = await first
          .http()
          .post('/v1/credentials')
          .set(bearer(first.adminToken))
          .send(withoutSecret)
          .expect(201);
        const sandboxId = created.body.id as string;
        expect(await goLive(first, sandboxId)).toEqual({
          production_credentials: false,
          https_notification_url: false,
          webhook_secret: false,
          verified_notification: false,
          approved_payment: false,
          device_id_or_3ds: false,
          credentials_valid: true,
          ready: false,
        });
        await first
          .http()
          .post(`/v1/credentials/${sandboxId}/rotate`)
          .set(bearer(first.adminToken))
          .send({ webhook_secret: secret })
          .expect(200);
        expect((await goLive(first, sandboxId)).webhook_secret).toBe(true);

        // The production account's credentials (a production secret is required on create).
        production = await createCredentials(first, 'production', { prefix: 'APP_USR' });
        expect(await goLive(first, production.id)).toMatchObject({
          production_credentials: true,
          webhook_secret: true,
          verified_notification: false,
          approved_payment: false,
          device_id_or_3ds: false,
          ready: false,
        });

        // A declined payment with a device id: device id in use, nothing approved yet.
        const publicKey = production.account.public_key;
        const declined = await postPayment(
          first,
          paymentBody(await cardToken(first, 'OTHE', MLB_MASTER, publicKey), {
            credential_id: production.id,
            device_id: 'armor.device-session-1',
          }),
        ).expect(201);
        expect(declined.body.status).toBe('rejected');
        expect(await goLive(first, production.id)).toMatchObject({
          approved_payment: false,
          device_id_or_3ds: true,
        });

        // An approved payment; Mercado Pago (the emulator) then sends its signed notification.
        const approved = await postPayment(
          first,
          paymentBody(await cardToken(first, 'APRO', MLB_MASTER, publicKey), {
            credential_id: production.id,
          }),
        ).expect(201);
        expect(approved.body.status).toBe('approved');
        await eventually(
          'a verified notification for the production credentials',
          async () => (await goLive(first, production.id)).verified_notification,
        );
        expect(await goLive(first, production.id)).toMatchObject({
          approved_payment: true,
          https_notification_url: false,
          ready: false,
        });
      } finally {
        await first.close();
      }

      // Deployed behind its public https address.
      const second = await startTestApp({
        testDatabase: database,
        env: { PUBLIC_BASE_URL: 'https://payments.example.com' },
      });
      try {
        expect(await goLive(second, production.id)).toEqual({
          production_credentials: true,
          https_notification_url: true,
          webhook_secret: true,
          verified_notification: true,
          approved_payment: true,
          device_id_or_3ds: true,
          credentials_valid: true,
          ready: true,
        });
        const missing = await second
          .http()
          .get(`/v1/credentials/${randomUUID()}/go-live`)
          .set(bearer(second.adminToken))
          .expect(404);
        expect(missing.body.error.code).toBe('CREDENTIAL_NOT_FOUND');
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });
});
