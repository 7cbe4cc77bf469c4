import { eq, sql } from 'drizzle-orm';
import { serviceTokens } from '../../src/auth/tokens.schema';
import { Database, type Executor } from '../../src/database/database';
import { TEST_DB, createTestDatabase, type TestDatabase } from '../support/test-db';

/** One name per statement text: node-pg parses it once per pooled connection, PGlite per call. */
const byHash = (executor: Executor) =>
  executor
    .select({
      name: serviceTokens.name,
      scopes: serviceTokens.scopes,
      createdAt: serviceTokens.createdAt,
      revokedAt: serviceTokens.revokedAt,
    })
    .from(serviceTokens)
    .where(eq(serviceTokens.tokenHash, sql.placeholder('hash')))
    .prepare('spec_token_by_hash');

describe('Named prepared statements through Database', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await Database.open(
      TEST_DB === 'pglite'
        ? { kind: 'pglite', dataDir: testDatabase.env.DATA_DIR }
        : { kind: 'postgres', url: testDatabase.env.DATABASE_URL },
    );
    await database.db.insert(serviceTokens).values(
      ['one', 'two'].map((name) => ({
        name,
        prefix: name,
        tokenHash: `hash-${name}`,
        scopes: ['payments:read', 'payments:write'],
      })),
    );
  });

  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  const expected = (name: string) => ({
    name,
    scopes: ['payments:read', 'payments:write'],
    createdAt: expect.any(Date) as Date,
    revokedAt: null,
  });

  it('should run one prepared statement many times at once with its own parameters', async () => {
    const statement = byHash(database.db);
    const names = Array.from({ length: 30 }, (_, i) => (i % 2 ? 'one' : 'two'));
    const rows = await Promise.all(
      names.map((name) => statement.execute({ hash: `hash-${name}` })),
    );
    expect(rows).toEqual(names.map((name) => [expected(name)]));
  });

  it('should prepare the same named statement inside transaction after transaction', async () => {
    for (const name of ['one', 'two', 'one']) {
      const rows = await database.transaction((tx) => byHash(tx).execute({ hash: `hash-${name}` }));
      expect(rows).toEqual([expected(name)]);
    }
    expect(await byHash(database.db).execute({ hash: 'hash-none' })).toEqual([]);
  });
});
