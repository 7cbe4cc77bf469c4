import { Database } from '../../src/database/database';
import { createEmptyDatabase } from '../support/test-db';

describe('Migrations', () => {
  it('should apply none of them when a later one fails, then all once the cause is gone', async () => {
    const empty = await createEmptyDatabase();
    try {
      // 0011 creates this table: 0000 to 0010 come before it and must not stay applied.
      await empty.query('CREATE TABLE disputes (id int)');
      await expect(Database.open(empty.target)).rejects.toThrow(/disputes/);
      expect(
        await empty.query(`SELECT to_regclass('public.service_tokens') IS NULL AS absent`),
      ).toEqual([{ absent: true }]);

      await empty.query('DROP TABLE disputes');
      const database = await Database.open(empty.target);
      expect(await database.isReady()).toEqual({ reachable: true, migrated: true });
      await database.close();
    } finally {
      await empty.drop();
    }
    // On PGlite: five starts of a wasm Postgres, the first an initdb, two of them migrating; a
    // loaded 2-core machine took over a minute.
  }, 180_000);
});
