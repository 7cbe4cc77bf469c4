import { Database } from '../../src/database/database';
import { createEmptyDatabase } from '../support/test-db';

describe('Migrations', () => {
  it('should apply none when one fails, and all once the cause is gone', async () => {
    const empty = await createEmptyDatabase();
    try {
      // The first migration creates this table: it fails, and the whole run with it.
      await empty.run('CREATE TABLE service_tokens (id int)');
      await expect(Database.open(empty.target)).rejects.toThrow(/service_tokens/);

      await empty.run('DROP TABLE service_tokens');
      const database = await Database.open(empty.target);
      expect(await database.isReady()).toEqual({ reachable: true, migrated: true });
      await database.close();
    } finally {
      await empty.drop();
    }
  });
});
