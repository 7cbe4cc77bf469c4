import { PGlite } from '@electric-sql/pglite';
import * as pgliteModule from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import { Database } from '../../src/database/database';
import { PgliteStatements } from '../../src/database/pglite-statements';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

const tokenNames = async (database: Database) => {
  const result = await database.db.execute(sql`SELECT name FROM service_tokens ORDER BY name`);
  return (result as { rows: { name: string }[] }).rows.map((row) => row.name);
};

const insertToken = (database: Database, name: string) =>
  database.db.execute(
    sql`INSERT INTO service_tokens (name, prefix, token_hash, scopes) VALUES (${name}, ${name}, ${`hash-${name}`}, '{payments:read}')`,
  );

describe('Statements on PGlite, each text parsed once as a named statement', () => {
  let testDatabase: TestDatabase;

  beforeEach(async () => {
    testDatabase = await createTestDatabase();
  });

  afterEach(async () => {
    await testDatabase.drop();
  });

  describe('through Database', () => {
    let database: Database;

    beforeEach(async () => {
      database = await Database.open({ kind: 'pglite', dataDir: testDatabase.env.DATA_DIR });
    });

    afterEach(async () => {
      await database.close();
    });

    it('should run a statement sent during a transaction after it, not inside it', async () => {
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const rolledBack = database
        .transaction(async (tx) => {
          await tx.execute(
            sql`INSERT INTO service_tokens (name, prefix, token_hash, scopes) VALUES ('inside', 'inside', 'hash-inside', '{payments:read}')`,
          );
          opened();
          await released;
          throw new Error('roll back');
        })
        .catch((error: Error) => error.message);
      await open;
      // drizzle's query runs when awaited: started now, while the transaction is open.
      const outside = insertToken(database, 'outside').then(() => 'inserted');
      // Every pending callback runs before the transaction is let go: an insert that slipped
      // into the transaction would be rolled back with it.
      await new Promise((resolve) => setImmediate(resolve));
      release();
      expect(await rolledBack).toBe('roll back');
      expect(await outside).toBe('inserted');
      expect(await tokenNames(database)).toEqual(['outside']);
    });

    it('should fail a statement that does not parse with its code, and not remember it', async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const failure = await database.db
          .execute(sql.raw('SELEC 1'))
          .catch((error: Error) => error);
        expect(failure).toBeInstanceOf(Error);
        expect((failure as Error & { cause?: { code?: string } }).cause?.code).toBe('42601');
      }
      await insertToken(database, 'after');
      expect(await tokenNames(database)).toEqual(['after']);
    });

    it('should roll back a transaction whose named statement failed, and run the next statement', async () => {
      await insertToken(database, 'taken');
      const outcome = await database
        .transaction(async (tx) => {
          for (const name of ['before', 'taken']) {
            await tx.execute(
              sql`INSERT INTO service_tokens (name, prefix, token_hash, scopes) VALUES (${name}, ${name}, ${`hash-${name}`}, '{payments:read}')`,
            );
          }
        })
        .catch((error: Error & { cause?: { code?: string } }) => error.cause?.code);
      expect(outcome).toBe('23505');
      await insertToken(database, 'next');
      expect(await tokenNames(database)).toEqual(['next', 'taken']);
    });
  });

  describe('on a PGlite instance', () => {
    let pglite: PGlite;

    beforeEach(async () => {
      pglite = await PGlite.create({ dataDir: join(testDatabase.env.DATA_DIR, 'pglite') });
    });

    afterEach(async () => {
      await pglite.close();
    });

    const typed =
      'SELECT $1::jsonb AS j, $2::text[] AS a, $3::timestamptz AS t, $4::bool AS b, $5::int AS n';
    const values = [{ x: [1, 'two'] }, ['a', 'b,c'], new Date(1_700_000_000_123), true, null];

    it('should give the rows, fields and counts PGlite gives, parameters typed alike', async () => {
      const statements = new PgliteStatements(pglite, pgliteModule);
      const expected = await pglite.query(typed, values);
      expect(expected.rows).toEqual([
        { j: { x: [1, 'two'] }, a: ['a', 'b,c'], t: new Date(1_700_000_000_123), b: true, n: null },
      ]);
      for (let run = 0; run < 3; run++) {
        expect(await statements.query(typed, values)).toEqual(expected);
      }
      const arrays = { rowMode: 'array' as const };
      expect(await statements.query(typed, values, arrays)).toEqual(
        await pglite.query(typed, values, arrays),
      );
      const insert = `INSERT INTO service_tokens (name, prefix, token_hash, scopes)
        SELECT n, n, 'hash-' || n, '{payments:read}' FROM unnest($1::text[]) AS n`;
      expect(await statements.query(insert, [['a', 'b', 'c']])).toMatchObject({ affectedRows: 3 });
    });

    it('should run texts beyond its limit of named statements unnamed, with the same rows', async () => {
      const statements = new PgliteStatements(pglite, pgliteModule, 1);
      const other = 'SELECT $1::int + 1 AS n';
      for (let run = 0; run < 2; run++) {
        expect(await statements.query(typed, values)).toEqual(await pglite.query(typed, values));
        expect((await statements.query<{ n: number }>(other, [run])).rows).toEqual([
          { n: run + 1 },
        ]);
      }
    });
  });
});
