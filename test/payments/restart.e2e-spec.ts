import { startTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-db';
import { pay } from '../support/payments';

describe('A newcomer restarting npm start', () => {
  it('should keep charging after a restart, with a fresh embedded emulator, on the same data', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestApp({ testDatabase: database });
      const before = await pay(first).finally(() => first.close());

      const second = await startTestApp({ testDatabase: database });
      const after = await pay(second).finally(() => second.close());
      expect(after.status).toBe('approved');
      expect(after.mercadopago_id).not.toBe(before.mercadopago_id);
    } finally {
      await database.drop();
    }
  });
});
