import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../../emulator/emulator.defaults';
import { createTestDatabase } from '../support/test-db';
import { bearer, startTestApp } from '../support/test-app';

interface Listed {
  name: string;
  is_default: boolean;
}

// Several instances on one database need PostgreSQL (one process alone may open a PGlite folder):
// jest.config.js runs this file in the postgres project only.

describe('Credentials when instances start at the same moment', () => {
  it.each([
    [
      'MERCADOPAGO_*',
      {
        MERCADOPAGO_ACCESS_TOKEN: EMULATOR_DEFAULT_ACCESS_TOKEN,
        MERCADOPAGO_PUBLIC_KEY: EMULATOR_DEFAULT_PUBLIC_KEY,
        MERCADOPAGO_WEBHOOK_SECRET: EMULATOR_DEFAULT_WEBHOOK_SECRET,
      },
      'env-default',
    ],
    ['zero settings', {}, 'emulator-sandbox'],
  ])(
    'should start three instances on an empty database with %s, seeding one default',
    async (_settings, env: Record<string, string>, name) => {
      const testDatabase = await createTestDatabase();
      const started = await Promise.allSettled(
        [1, 2, 3].map(() => startTestApp({ testDatabase, env })),
      );
      const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        expect(started.filter((s) => s.status === 'rejected')).toEqual([]);
        for (const t of apps) {
          await t.http().get('/health/ready').expect(200);
          const list = await t.http().get('/v1/credentials').set(bearer(t.adminToken)).expect(200);
          expect((list.body as { data: Listed[] }).data).toEqual([
            expect.objectContaining({ name, is_default: true }),
          ]);
        }
      } finally {
        await Promise.all(apps.map((t) => t.close()));
        await testDatabase.drop();
      }
    },
  );
});
