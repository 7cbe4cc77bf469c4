import { sql } from 'drizzle-orm';
import { LISTENER_APPLICATION_NAME } from '../../src/cache/cache-invalidation';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { MercadoPagoEndpoint } from '../../src/mercadopago/mercadopago-endpoint';
import { createToken } from '../auth/auth.helper';
import {
  accessToken,
  createCredentials,
  registerAccount,
  webhookSecret,
} from '../credentials/credentials.helper';
import { TestDatabase, createTestDatabase } from '../support/test-db';
import { Json, emulator } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { eventually, postWebhook, signedHeaders } from '../webhooks/webhooks.helper';

// Several instances on one database need PostgreSQL: jest.config.js runs this file in the
// postgres project only. Cache entries live an hour here, so only a notice can explain a change
// showing up on the other instance.
const LONG_CACHE = { AUTH_CACHE_TTL_SECONDS: '3600', CREDENTIALS_ROTATION_OVERLAP_HOURS: '0' };

async function twoInstances(env: Record<string, string>) {
  const testDatabase = await createTestDatabase();
  const a = await startTestApp({ testDatabase, env });
  // One Mercado Pago for both, as in production: A's embedded emulator.
  const mercadoPago = a.app.get(MercadoPagoEndpoint).baseUrl;
  const b = await startTestApp({ testDatabase, env: { ...env, MERCADOPAGO_API_URL: mercadoPago } });
  return { testDatabase, a, b };
}

const status = async (t: TestApp, token: string) =>
  (await t.http().get('/v1/payments?limit=1').set(bearer(token))).status;

describe('Tokens and credentials cached on two instances of one PostgreSQL database', () => {
  let testDatabase: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    ({ testDatabase, a, b } = await twoInstances(LONG_CACHE));
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await testDatabase?.drop();
  });

  it('should refuse on instance B a token revoked through instance A', async () => {
    const { id, token } = await createToken(a, ['payments:read']);
    expect(await status(b, token)).toBe(200);

    // Revoked behind the service's back (no notice): B answers from its cache.
    await b.database.db.execute(sql`UPDATE service_tokens SET revoked_at = now() WHERE id = ${id}`);
    expect(await status(b, token)).toBe(200);

    // Revoked through A: the notice empties B's entry.
    await a.http().delete(`/v1/tokens/${id}`).set(bearer(a.adminToken)).expect(200);
    await eventually('B to refuse the revoked token', async () => (await status(b, token)) === 401);
    expect(await status(a, token)).toBe(401);
  });

  it('should verify notifications on B with a webhook secret rotated through A', async () => {
    const { id, account } = await createCredentials(a, 'rotating-across');
    const post = (secret: string) =>
      postWebhook(b, id, '123456789', signedHeaders('123456789', { secret }));
    expect((await post(account.webhook_secret)).status).toBe(200);

    const next = webhookSecret();
    await a
      .http()
      .post(`/v1/credentials/${id}/rotate`)
      .set(bearer(a.adminToken))
      .send({ webhook_secret: next })
      .expect(200);
    await eventually(
      'B to verify with the new secret',
      async () => (await post(next)).status === 200,
    );
    expect((await post(account.webhook_secret)).status).toBe(401);
  });

  it('should use on B an access token rotated through A', async () => {
    const userId = 3_900_000_000 + Math.floor(Math.random() * 1000);
    const { id, account } = await createCredentials(a, 'token-rotation', {
      access_token: accessToken('TEST', userId),
    });
    const onB = b.app.get(CredentialsService);
    expect((await onB.resolve(id)).accessToken.reveal()).toBe(account.access_token);

    const next = await registerAccount(a, { access_token: accessToken('TEST', userId) });
    await a
      .http()
      .post(`/v1/credentials/${id}/rotate`)
      .set(bearer(a.adminToken))
      .send({ access_token: next.access_token })
      .expect(200);
    await eventually(
      'B to use the new access token',
      async () => (await onB.resolve(id)).accessToken.reveal() === next.access_token,
    );
  });

  it('should ask Mercado Pago again on B for the lookups of credentials rotated through A', async () => {
    const { id, account } = await createCredentials(a, 'lookups-across');
    const lookUp = () =>
      b.http().get(`/v1/credentials/${id}/payment-methods`).set(bearer(b.adminToken)).expect(200);
    const asked = async () => {
      const log = await emulator(
        a,
        'GET',
        '/__emulator/requests?method=GET&path=/v1/payment_methods',
      );
      return (log.body as Json[]).filter(
        (r) => r.headers.authorization === `Bearer ${account.access_token}`,
      ).length;
    };
    await lookUp();
    await lookUp();
    expect(await asked()).toBe(1);

    await a
      .http()
      .post(`/v1/credentials/${id}/rotate`)
      .set(bearer(a.adminToken))
      .send({ webhook_secret: webhookSecret() })
      .expect(200);
    await eventually('B to ask Mercado Pago again', async () => {
      await lookUp();
      return (await asked()) === 2;
    });
  });

  it('should stop caching while the notice connection is down, and cache again once it is back', async () => {
    const { id, token } = await createToken(a, ['payments:read']);
    expect(await status(b, token)).toBe(200);
    await b.database.db.execute(sql`UPDATE service_tokens SET revoked_at = now() WHERE id = ${id}`);
    expect(await status(b, token)).toBe(200);

    // Both instances lose their LISTEN connection: a notice sent now could be missed, so
    // nothing cached before may be served.
    await b.database.db.execute(
      sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = ${LISTENER_APPLICATION_NAME} AND datname = current_database()`,
    );
    await eventually('B to read the token again', async () => (await status(b, token)) === 401);

    // Back: a fresh token is cached and a revoke through A still reaches B.
    const again = await createToken(a, ['payments:read']);
    await eventually('B to listen again', async () => {
      const listening = await b.database.db.execute(
        sql`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE application_name = ${LISTENER_APPLICATION_NAME} AND datname = current_database()`,
      );
      return Number((listening as { rows: { n: number }[] }).rows[0].n) === 2;
    });
    expect(await status(b, again.token)).toBe(200);
    await a.http().delete(`/v1/tokens/${again.id}`).set(bearer(a.adminToken)).expect(200);
    await eventually('B to refuse it', async () => (await status(b, again.token)) === 401);
  });
});

describe('The rate limit shared by two instances', () => {
  let testDatabase: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    ({ testDatabase, a, b } = await twoInstances({
      API_RATE_LIMIT: '10',
      API_RATE_LIMIT_WINDOW_SECONDS: '3600',
    }));
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await testDatabase?.drop();
  });

  it('should refuse on B a token that spent its requests on A', async () => {
    const { token } = await createToken(a, ['payments:read']);
    for (let i = 0; i < 10; i += 1) expect(await status(a, token)).toBe(200);
    expect(await status(a, token)).toBe(429);

    const refused = await eventually('B to learn A spent the window', async () => {
      const res = await b.http().get('/v1/payments?limit=1').set(bearer(token));
      return res.status === 429 && res;
    });
    expect(refused.body.error.code).toBe('REQUEST_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
