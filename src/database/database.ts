import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { PidLock } from './pid-lock';

export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction: repositories take whichever the caller holds. */
export type Executor = Db | Tx;

export const MIGRATIONS_FOLDER = join(__dirname, 'migrations');
/** Serialises migrations when several instances start at once (any constant works). */
const MIGRATION_LOCK_KEY = 7_340_111;

export type DatabaseTarget =
  { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

function journalSize(): number {
  const journal = JSON.parse(
    readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}

/** One connection (PGlite) or pool (PostgreSQL) behind drizzle, with the helpers every repo needs. */
export class Database {
  private constructor(
    readonly db: Db,
    readonly kind: DatabaseTarget['kind'],
    private readonly closeConnection: () => Promise<void>,
  ) {}

  static async open(
    target: DatabaseTarget,
    onIdleError: (error: Error) => void = () => undefined,
  ): Promise<Database> {
    if (target.kind === 'postgres') {
      const pool = new Pool({ connectionString: target.url, max: 10 });
      // An idle connection dropped by the server (restart, failover) must not kill the process:
      // the pool replaces it, and queries in flight fail on their own.
      pool.on('error', (error) => onIdleError(error));
      const database = new Database(drizzlePg(pool), 'postgres', () => pool.end());
      try {
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
          await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
          client.release();
        }
      } catch (error) {
        await pool.end();
        throw error;
      }
      return database;
    }

    const dataDir = resolve(target.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const lock = PidLock.acquire(join(dataDir, 'pglite.pid'));
    try {
      const client = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
      const db = drizzlePglite(client);
      await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
      return new Database(db, 'pglite', async () => {
        await client.close();
        lock.release();
      });
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** True when the database answers and every committed migration is applied. */
  async isReady(): Promise<{ reachable: boolean; migrated: boolean }> {
    try {
      const result = await this.db.execute(
        sql`SELECT count(*)::int AS applied FROM drizzle.__drizzle_migrations`,
      );
      const applied = Number((result as { rows: { applied: number }[] }).rows[0].applied);
      return { reachable: true, migrated: applied >= journalSize() };
    } catch {
      return { reachable: false, migrated: false };
    }
  }

  private closing?: Promise<void>;

  /** Idempotent: shutdown hooks and tests may both close it. */
  close(): Promise<void> {
    this.closing ??= this.closeConnection();
    return this.closing;
  }
}
