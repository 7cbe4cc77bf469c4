import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database, DatabaseTarget } from '../../src/database/database';
import { migrationsFingerprint } from '../../src/database/pglite-image';

/** Which database this jest project runs on; set per project in jest.config.js. */
export const TEST_DB: 'pglite' | 'postgres' =
  (globalThis as { TEST_DB?: 'pglite' | 'postgres' }).TEST_DB ?? 'pglite';

/** The migrated PGlite folder test databases are copied from (made by prepareTemplate). */
export const pgliteTemplateDir = () =>
  join(tmpdir(), `mp-pglite-template-${migrationsFingerprint()}`);

// One template per checkout, so runs from two worktrees never drop each other's template.
const TEMPLATE_DB = `mp_payments_template_${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 8)}`;

function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('The postgres test project needs DATABASE_URL');
  return url;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Migrates a template once per run, so each test app starts from a copy instead of from zero. */
export async function prepareTemplate(kind: 'pglite' | 'postgres'): Promise<void> {
  if (kind === 'pglite') {
    const dir = pgliteTemplateDir();
    if (existsSync(dir)) return;
    // Built aside and renamed into place, so a concurrent run never sees half a template.
    const building = `${dir}.${process.pid}`;
    await (await Database.open({ kind: 'pglite', dataDir: building })).close();
    try {
      renameSync(building, dir);
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
    return;
  }
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const url = withDatabaseName(adminUrl(), TEMPLATE_DB);
  await (await Database.open({ kind: 'postgres', url })).close();
}

export interface TestDatabase {
  /** DATA_DIR or DATABASE_URL for the service under test. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, migrated database of this project's kind. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'mp-test-'));
    cpSync(pgliteTemplateDir(), dir, { recursive: true });
    return {
      env: { DATA_DIR: dir },
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `mp_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return {
    env: { DATABASE_URL: withDatabaseName(adminUrl(), name) },
    drop: async () => {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** An empty database (no migration applied) of this project's kind, and a way to query it. */
export async function createEmptyDatabase(): Promise<{
  target: DatabaseTarget;
  query(sql: string): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}> {
  if (TEST_DB === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'mp-test-empty-'));
    return {
      target: { kind: 'pglite', dataDir, image: null },
      query: async (sql) => {
        const { PGlite } = await import('@electric-sql/pglite');
        const pglite = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
        try {
          return (await pglite.query<Record<string, unknown>>(sql)).rows;
        } finally {
          await pglite.close();
        }
      },
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const name = `mp_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabaseName(adminUrl(), name);
  return {
    target: { kind: 'postgres', url },
    query: async (sql) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<Record<string, unknown>>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    drop: async () => {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
