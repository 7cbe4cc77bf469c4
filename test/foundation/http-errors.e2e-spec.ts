import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-db';

describe('Errors, request ids and documentation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('should answer malformed JSON with 400 in the contract shape', async () => {
    const res = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .set('content-type', 'application/json')
      .send('{"name": "x", ')
      .expect(400);
    expect(res.body.error).toMatchObject({
      code: 'REQUEST_MALFORMED_JSON',
      request_id: res.headers['x-request-id'],
    });
  });

  it('should answer an unknown route with 404 in the contract shape', async () => {
    const res = await t.http().get('/v1/nothing-here').set(bearer(t.adminToken)).expect(404);
    expect(res.body.error.code).toBe('REQUEST_ROUTE_NOT_FOUND');
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  });

  it('should refuse a body over 1 MiB with 413', async () => {
    const res = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name: 'big', scopes: ['payments:read'], pad: 'x'.repeat(1024 * 1024) })
      .expect(413);
    expect(res.body.error.code).toBe('REQUEST_BODY_TOO_LARGE');
  });

  it('should keep a sane x-request-id given by the caller and make one otherwise', async () => {
    const given = await t.http().get('/health/live').set('x-request-id', 'caller-id-123');
    expect(given.headers['x-request-id']).toBe('caller-id-123');
    const made = await t.http().get('/health/live').set('x-request-id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should serve Swagger UI at /docs and the OpenAPI document with bearer auth', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    expect(doc.body.paths['/v1/tokens'].post.responses).toHaveProperty('403');
  });

  it('should count requests by route and status in /metrics', async () => {
    await t.http().get('/v1/tokens').expect(401);
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/v1\/tokens",status="401"\} \d+/,
    );
  });

  it('should report live and ready, and not ready once the database is gone', async () => {
    await t.http().get('/health/live').expect(200);
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');

    const other = await startTestApp();
    await other.database.close();
    const res = await other.http().get('/health/ready').expect(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(res.body)).toContain('database unreachable');
    await other.app.close().catch(() => undefined);
    await other.testDatabase.drop();
  });

  if (TEST_DB === 'postgres') {
    /** Ends every other connection to the app's database, as a PostgreSQL restart would. */
    const terminateConnections = async (): Promise<number> => {
      const admin = new Client({ connectionString: t.testDatabase.env.DATABASE_URL });
      await admin.connect();
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();
      return killed.rowCount ?? 0;
    };
    const lossesLogged = () =>
      t.logs.filter((line) => line.includes('A PostgreSQL connection failed')).length;

    it('should survive PostgreSQL dropping its idle connections and be ready again', async () => {
      await t.http().get('/health/ready').expect(200);
      expect(await terminateConnections()).toBeGreaterThan(0);
      // The pool drops the dead connections as their errors arrive; readiness comes back.
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await t.http().get('/health/ready')).status;
      }
      expect(status).toBe(200);
    });

    it('should survive a connection dropped inside a transaction: that one fails, the next works', async () => {
      const before = lossesLogged();
      const transaction = t.database.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        expect(await terminateConnections()).toBeGreaterThan(0);
        // Between two queries the connection is ours, not the pool's: its loss arrives here.
        await eventually('the loss reported', () => lossesLogged() > before);
        await tx.execute(sql`SELECT 1`);
      });
      await expect(transaction).rejects.toThrow();
      await eventually('ready again', async () => (await t.http().get('/health/ready')).ok);
      const after = await t.database.db.execute(sql`SELECT 1 AS one`);
      expect((after as { rows: unknown[] }).rows).toEqual([{ one: 1 }]);
    });
  }
});
