import { serviceTokens } from '../../src/auth/tokens.schema';
import { TestApp, bearer, startTestApp } from '../support/test-app';

describe('Service tokens and scopes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const createToken = async (scopes: string[], name = 'caller') => {
    const res = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name, scopes })
      .expect(201);
    return res.body as { id: string; token: string; prefix: string };
  };

  it('should answer 401 in the contract shape when no token is sent', async () => {
    const res = await t.http().get('/v1/tokens').expect(401);
    expect(res.body).toEqual({
      error: {
        code: 'AUTH_TOKEN_MISSING',
        message: expect.any(String),
        request_id: res.headers['x-request-id'],
      },
    });
  });

  it('should answer 401 for an unknown token', async () => {
    const res = await t.http().get('/v1/tokens').set(bearer('mpsvc_not-a-real-token')).expect(401);
    expect(res.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('should answer 403 when the token lacks the route scope', async () => {
    const { token } = await createToken(['payments:read']);
    const res = await t.http().get('/v1/tokens').set(bearer(token)).expect(403);
    expect(res.body.error).toMatchObject({
      code: 'AUTH_INSUFFICIENT_SCOPE',
      details: { required_scopes: ['tokens:admin'] },
    });
  });

  it('should show the secret only in the creation answer and store only its hash', async () => {
    const created = await createToken(['tokens:admin'], 'ops-console');
    expect(created.token).toMatch(/^mpsvc_/);
    expect(created.token.startsWith(created.prefix)).toBe(true);

    const list = await t.http().get('/v1/tokens').set(bearer(created.token)).expect(200);
    const listed = list.body.data.find((row: { id: string }) => row.id === created.id);
    expect(listed).toMatchObject({ name: 'ops-console', scopes: ['tokens:admin'] });
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    expect(listed.last_used_at).not.toBeNull();

    const dump = JSON.stringify(await t.database.db.select().from(serviceTokens));
    expect(dump).toContain(created.prefix);
    expect(dump).not.toContain(created.token);
  });

  it('should refuse a revoked token with 401', async () => {
    const { id, token } = await createToken(['tokens:admin']);
    await t.http().get('/v1/tokens').set(bearer(token)).expect(200);
    const revoked = await t.http().delete(`/v1/tokens/${id}`).set(bearer(t.adminToken)).expect(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const res = await t.http().get('/v1/tokens').set(bearer(token)).expect(401);
    expect(res.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('should answer 404 when revoking a token that does not exist', async () => {
    const res = await t
      .http()
      .delete('/v1/tokens/00000000-0000-4000-8000-000000000000')
      .set(bearer(t.adminToken))
      .expect(404);
    expect(res.body.error.code).toBe('TOKEN_NOT_FOUND');
  });

  it('should list every bad field when a token request is invalid', async () => {
    const res = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name: '', scopes: ['payments:read', 'everything'], extra: true })
      .expect(400);
    expect(res.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['extra', 'name', 'scopes']);
  });

  it('should not log the bearer token of a request', async () => {
    const { token } = await createToken(['tokens:admin']);
    await t.http().get('/v1/tokens').set(bearer(token)).expect(200);
    const logs = t.logs.join('');
    expect(logs).toContain('/v1/tokens');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(t.adminToken);
  });
});
