import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/database/database';
import { TestDatabase, createTestDatabase } from './test-db';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  adminToken: string;
  database: Database;
  testDatabase: TestDatabase;
  /** Every JSON log line the app wrote, for assertions on what is (not) logged. */
  logs: string[];
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. to restart the service on the same data). */
  testDatabase?: TestDatabase;
  /** Listen on this port (default: any free one), e.g. to restart where Mercado Pago sends to. */
  port?: number;
}

/** The real service on a real database, listening on a loopback port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDatabase = options.testDatabase ?? (await createTestDatabase());
  const adminToken = `admin-${randomBytes(18).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ADMIN_TOKEN: adminToken,
    // Each app gets its own embedded emulator on a free port, with retries in milliseconds.
    EMULATOR_PORT: '0',
    EMULATOR_TIME_SCALE: '0.0005',
    ...testDatabase.env,
    ...options.env,
  });
  const logs: string[] = [];
  const app = await createApp(config, {
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    adminToken,
    database: app.get(Database),
    testDatabase,
    logs,
    http: () => request(url),
    close: async () => {
      await app.close();
      if (!options.testDatabase) await testDatabase.drop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
