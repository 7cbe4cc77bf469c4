import { randomUUID } from 'node:crypto';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  Account,
  accessToken,
  countCredentialRows,
  createBody,
  dumpCredentialTables,
  publicKey,
  registerAccount,
  webhookSecret,
} from './credentials.helper';

describe('Credentials API', () => {
  let t: TestApp;
  let admin: { authorization: string };
  /** Every response body this suite received, checked at the end for secrets. */
  const bodies: string[] = [];
  /** Every secret this suite handed to the service. */
  const secrets: string[] = [];

  const call = async <T>(pending: PromiseLike<T & { text: string }>): Promise<T> => {
    const response = await pending;
    bodies.push(response.text);
    return response;
  };

  async function tokenWith(...scopes: string[]): Promise<{ authorization: string }> {
    const response = await t
      .http()
      .post('/v1/tokens')
      .set(admin)
      .send({ name: `scoped-${scopes.join('-').replace(/:/g, '.')}`, scopes })
      .expect(201);
    return bearer((response.body as { token: string }).token);
  }

  async function account(overrides: Partial<Account> & { prefix?: 'TEST' | 'APP_USR' } = {}) {
    const registered = await registerAccount(t, overrides);
    secrets.push(registered.access_token, registered.webhook_secret);
    return registered;
  }

  async function create(body: Record<string, unknown>, expected = 201) {
    const response = await call(t.http().post('/v1/credentials').set(admin).send(body));
    expect(response.status).toBe(expected);
    return response.body as Record<string, unknown> & { id: string; error: { code: string } };
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = bearer(t.adminToken);
  });

  afterAll(async () => {
    await t.close();
  });

  it('should store checked credentials and answer with hints, never the secrets', async () => {
    const mla = await account({ site_id: 'MLA' });
    const body = await create(createBody(mla, 'argentina'));
    expect(body).toEqual({
      id: expect.any(String),
      name: 'argentina',
      site_id: 'MLA',
      mode: 'sandbox',
      public_key: mla.public_key,
      is_default: false,
      access_token_hint: mla.access_token.slice(-4),
      access_token_set_at: expect.any(String),
      webhook_secret_hint: mla.webhook_secret.slice(-4),
      webhook_secret_set_at: expect.any(String),
      created_at: expect.any(String),
      updated_at: expect.any(String),
      rotated_at: null,
      status: 'active',
      invalid_at: null,
      invalid_reason: null,
      test_user: false,
    });

    const one = await call(t.http().get(`/v1/credentials/${body.id}`).set(admin).expect(200));
    expect(one.body).toEqual(body);
    const list = await call(t.http().get('/v1/credentials').set(admin).expect(200));
    const names = (list.body as { data: { name: string }[] }).data.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['emulator-sandbox', 'argentina']));
  });

  it('should accept production (APP_USR-) credentials checked with Mercado Pago', async () => {
    const live = await account({ prefix: 'APP_USR', site_id: 'MLM' });
    const body = await create(createBody(live, 'mexico-live'));
    expect(body).toMatchObject({ mode: 'production', site_id: 'MLM' });
    const usable = await t.app.get(CredentialsService).resolve(body.id);
    expect(usable).toMatchObject({ siteId: 'MLM', mode: 'production', liveMode: true });
    expect(usable.accessToken.reveal()).toBe(live.access_token);
  });

  it('should require a webhook secret for production credentials, storing nothing', async () => {
    const before = await countCredentialRows(t);
    const live = await account({ prefix: 'APP_USR', site_id: 'MLM' });
    const unsigned: Record<string, unknown> = createBody(live, 'mexico-unsigned');
    delete unsigned.webhook_secret;
    const error = (await create(unsigned, 422)).error as { code: string; details: unknown };
    expect(error).toMatchObject({
      code: 'CREDENTIAL_INVALID',
      details: [{ field: 'webhook_secret', message: 'is required for production credentials' }],
    });
    expect(await countCredentialRows(t)).toBe(before);
  });

  it('should refuse bad formats, an unknown site and a mode the token contradicts, storing nothing', async () => {
    const before = await countCredentialRows(t);
    const good = await account();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ access_token: 'not-a-token', public_key: 'nope' }, ['public_key', 'access_token']],
      [{ site_id: 'XXX' }, ['site_id']],
      [{ mode: 'staging' }, ['mode']],
      [{ mode: 'production' }, ['public_key', 'access_token']],
      [{ public_key: publicKey('APP_USR') }, ['public_key']],
      [{ webhook_secret: 'short' }, ['webhook_secret']],
    ];
    for (const [change, fields] of cases) {
      const error = (await create({ ...createBody(good, 'bad'), ...change }, 422)).error as {
        code: string;
        details: { field: string }[];
      };
      expect(error.code).toBe('CREDENTIAL_INVALID');
      expect(error.details.map((d) => d.field)).toEqual(fields);
    }
    expect(await countCredentialRows(t)).toBe(before);
  });

  it('should refuse a token of another site and one Mercado Pago does not accept, storing nothing', async () => {
    const before = await countCredentialRows(t);
    const chile = await account({ site_id: 'MLC' });
    const mismatch = await create({ ...createBody(chile, 'chile'), site_id: 'MCO' }, 422);
    expect(mismatch.error).toMatchObject({
      code: 'CREDENTIAL_CHECK_FAILED',
      details: { expected_site_id: 'MCO', site_id: 'MLC' },
    });

    const unknown = { ...chile, access_token: accessToken() };
    secrets.push(unknown.access_token);
    const refused = await create(createBody(unknown, 'unregistered'), 422);
    expect(refused.error.code).toBe('CREDENTIAL_CHECK_FAILED');
    expect(await countCredentialRows(t)).toBe(before);
  });

  it('should refuse a name already in use with 409', async () => {
    const first = await account();
    await create(createBody(first, 'taken'));
    const second = await account();
    const conflict = await create(createBody(second, 'taken'), 409);
    expect(conflict.error.code).toBe('CREDENTIAL_NAME_TAKEN');
  });

  it('should move the default flag, and serve the public key to payments:read callers', async () => {
    const reader = await tokenWith('payments:read');
    const peru = await account({ site_id: 'MPE' });
    const created = await create(createBody(peru, 'peru', true));
    expect(created.is_default).toBe(true);

    const list = await call(t.http().get('/v1/credentials').set(admin).expect(200));
    const defaults = (list.body as { data: { is_default: boolean }[] }).data.filter(
      (c) => c.is_default,
    );
    expect(defaults).toHaveLength(1);

    const byDefault = await call(
      t.http().get('/v1/credentials/default/public-key').set(reader).expect(200),
    );
    expect(byDefault.body).toEqual({
      credential_id: created.id,
      public_key: peru.public_key,
      site_id: 'MPE',
      mode: 'sandbox',
    });
    const byId = await call(
      t.http().get(`/v1/credentials/${created.id}/public-key`).set(reader).expect(200),
    );
    expect(byId.body).toEqual(byDefault.body);

    const usable = await t.app.get(CredentialsService).resolve();
    expect(usable).toMatchObject({ id: created.id, siteId: 'MPE', liveMode: false });

    const emulator = (list.body as { data: { id: string; name: string }[] }).data.find(
      (c) => c.name === 'emulator-sandbox',
    )!;
    const patched = await call(
      t
        .http()
        .patch(`/v1/credentials/${emulator.id}`)
        .set(admin)
        .send({ is_default: true, name: 'brazil-sandbox' })
        .expect(200),
    );
    expect(patched.body).toMatchObject({ name: 'brazil-sandbox', is_default: true });
    expect((await t.app.get(CredentialsService).resolve()).id).toBe(emulator.id);
  });

  it('should refuse a public key of the other mode on update', async () => {
    const created = await create(createBody(await account(), 'patch-me'));
    const response = await call(
      t
        .http()
        .patch(`/v1/credentials/${created.id}`)
        .set(admin)
        .send({ public_key: publicKey('APP_USR') })
        .expect(422),
    );
    expect((response.body as { error: { code: string } }).error.code).toBe('CREDENTIAL_INVALID');
  });

  it('should rotate the access token and webhook secret, checking the new token', async () => {
    const original = await account({ site_id: 'MLU' });
    const created = await create(createBody(original, 'uruguay'));
    const userId = original.access_token.slice(original.access_token.lastIndexOf('-') + 1);
    const renewed = await account({
      site_id: 'MLU',
      public_key: original.public_key,
      access_token: accessToken('TEST', Number(userId)),
    });
    const newSecret = webhookSecret();
    secrets.push(newSecret);

    const rotated = await call(
      t
        .http()
        .post(`/v1/credentials/${created.id}/rotate`)
        .set(admin)
        .send({ access_token: renewed.access_token, webhook_secret: newSecret })
        .expect(200),
    );
    expect(rotated.body).toMatchObject({
      access_token_hint: renewed.access_token.slice(-4),
      webhook_secret_hint: newSecret.slice(-4),
      rotated_at: expect.any(String),
    });
    const usable = await t.app.get(CredentialsService).resolve(created.id);
    expect(usable.accessToken.reveal()).toBe(renewed.access_token);

    const otherAccount = await account({ site_id: 'MLU' });
    const refused = await call(
      t
        .http()
        .post(`/v1/credentials/${created.id}/rotate`)
        .set(admin)
        .send({ access_token: otherAccount.access_token })
        .expect(422),
    );
    expect((refused.body as { error: { code: string } }).error.code).toBe(
      'CREDENTIAL_CHECK_FAILED',
    );
    const empty = await call(
      t.http().post(`/v1/credentials/${created.id}/rotate`).set(admin).send({}).expect(422),
    );
    expect((empty.body as { error: { code: string } }).error.code).toBe('CREDENTIAL_INVALID');
  });

  it('should soft-delete: secrets gone, default gone, history kept', async () => {
    const colombia = await account({ site_id: 'MCO' });
    const created = await create(createBody(colombia, 'colombia', true));
    await call(t.http().delete(`/v1/credentials/${created.id}`).set(admin).expect(200));

    await call(t.http().get(`/v1/credentials/${created.id}`).set(admin).expect(404));
    await call(t.http().delete(`/v1/credentials/${created.id}`).set(admin).expect(404));
    const service = t.app.get(CredentialsService);
    expect(await service.webhookSecrets(created.id)).toBeUndefined();
    await expect(service.resolve(created.id)).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
    });
    await expect(service.resolve()).rejects.toMatchObject({ code: 'CREDENTIAL_NO_DEFAULT' });
    const noDefault = await call(
      t.http().get('/v1/credentials/default/public-key').set(admin).expect(422),
    );
    expect((noDefault.body as { error: { code: string } }).error.code).toBe(
      'CREDENTIAL_NO_DEFAULT',
    );

    // The name is free again for new credentials.
    await create(createBody(await account({ site_id: 'MCO' }), 'colombia'));
  });

  it('should keep an audit log of who did what, without secrets', async () => {
    const operator = await tokenWith('credentials:admin');
    const original = await account();
    const created = (
      await call(
        t.http().post('/v1/credentials').set(operator).send(createBody(original, 'audited')),
      )
    ).body as { id: string };
    await call(
      t
        .http()
        .patch(`/v1/credentials/${created.id}`)
        .set(admin)
        .send({ name: 'audited-renamed' })
        .expect(200),
    );
    const newSecret = webhookSecret();
    secrets.push(newSecret);
    await call(
      t
        .http()
        .post(`/v1/credentials/${created.id}/rotate`)
        .set(operator)
        .send({ webhook_secret: newSecret })
        .expect(200),
    );
    await call(t.http().delete(`/v1/credentials/${created.id}`).set(operator).expect(200));

    const audit = await call(
      t.http().get(`/v1/credentials/${created.id}/audit`).set(admin).expect(200),
    );
    const entries = (audit.body as { data: Record<string, unknown>[] }).data;
    expect(entries.map((e) => [e.action, e.actor_name, e.fields])).toEqual([
      ['deleted', 'scoped-credentials.admin', []],
      ['rotated', 'scoped-credentials.admin', ['webhook_secret']],
      ['updated', 'ADMIN_TOKEN', ['name']],
      [
        'created',
        'scoped-credentials.admin',
        ['name', 'site_id', 'mode', 'public_key', 'access_token', 'is_default', 'webhook_secret'],
      ],
    ]);
    await call(t.http().get(`/v1/credentials/${randomUUID()}/audit`).set(admin).expect(404));
  });

  it('should answer 403 to a token without the scope, 401 without a token', async () => {
    const reader = await tokenWith('payments:read');
    const writer = await tokenWith('credentials:admin');
    const forbidden = [
      t.http().get('/v1/credentials').set(reader),
      t.http().post('/v1/credentials').set(reader).send({}),
      t.http().post(`/v1/credentials/${randomUUID()}/rotate`).set(reader).send({}),
      t.http().get('/v1/credentials/default/public-key').set(writer),
    ];
    for (const pending of forbidden) {
      const response = await call(pending);
      expect(response.status).toBe(403);
      expect((response.body as { error: { code: string } }).error.code).toBe(
        'AUTH_INSUFFICIENT_SCOPE',
      );
    }
    await call(t.http().get('/v1/credentials').expect(401));
  });

  it('should never show a secret in a response, a log line or the database dump', async () => {
    expect(secrets.length).toBeGreaterThan(10);
    const responses = bodies.join('\n');
    const logs = t.logs.join('\n');
    const dump = await dumpCredentialTables(t);
    expect(dump).toContain('argentina');
    for (const secret of secrets) {
      expect(responses).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(Buffer.from(secret).toString('hex'));
    }
  });
});
