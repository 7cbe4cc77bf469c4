import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { PidLock } from './pid-lock';
import { PgliteStatements } from './pglite-statements';
import { MIGRATIONS_FOLDER, PGLITE_IMAGE, seedFromImage, writeImage } from './pglite-image';

export { MIGRATIONS_FOLDER } from './pglite-image';

export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction: repositories take whichever the caller holds. */
export type Executor = Db | Tx;

/** Connections of `Database.urgent` on PostgreSQL, beside the pool's 10. */
const URGENT_CONNECTIONS = 2;

/** Serialises migrations when several instances start at once (any constant works). */
const MIGRATION_LOCK_KEY = 7_340_111;

export type DatabaseTarget =
  | {
      kind: 'pglite';
      dataDir: string;
      /** A migrated folder to start an empty DATA_DIR from (default: the one the build made). */
      image?: string | null;
    }
  | { kind: 'postgres'; url: string };

function journalSize(): number {
  const journal = JSON.parse(
    readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}

type PgliteClient = Pick<PGlite, 'query' | 'transaction'>;

/**
 * drizzle passes its `parsers` (dates, intervals and numeric arrays left as text) with every
 * query, and PGlite then copies its whole parser table, a few hundred entries, to merge them.
 * Installed once on the instance they give the same rows, so they are dropped per query. Queries
 * then run as named statements (see PgliteStatements).
 */
function withParsersInstalled(pglite: PGlite, statements: PgliteStatements): PgliteClient {
  const keep = (value: unknown) => value;
  // The types drizzle's pglite session leaves as text: timestamp, timestamptz, interval, date,
  // numeric[], timestamp[], timestamptz[], interval[], date[].
  for (const type of [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182]) {
    pglite.parsers[type] = keep;
  }
  const strip = <T extends { parsers?: unknown }>(options?: T) =>
    options?.parsers ? { ...options, parsers: undefined } : options;
  return {
    query: ((text, params, options) =>
      statements.query(text, params, strip(options))) as PGlite['query'],
    transaction: <T>(work: (tx: PgliteTransaction) => Promise<T>) =>
      pglite.transaction((tx) => {
        const query = ((text, params, options) =>
          statements.inTransaction(text, params, strip(options))) as PGlite['query'];
        return work(Object.create(tx, { query: { value: query } }) as PgliteTransaction);
      }),
  };
}

/**
 * drizzle over a PGlite instance, without the per-query parser copy and with named statements
 * (see withParsersInstalled).
 */
export async function drizzleOverPglite(pglite: PGlite): Promise<Db> {
  const [{ drizzle }, module] = await Promise.all([
    import('drizzle-orm/pglite'),
    import('@electric-sql/pglite'),
  ]);
  // A named statement's generic plan is chosen once, on the statistics of the day (PGlite has no
  // autovacuum to refresh them), and cannot use a partial index whose predicate is a parameter:
  // under load the inbox's claim took 16 ms a run, against 3.3 ms planned each run. So each run
  // is planned for its values, as an unnamed one is; what is saved is parsing and calls into wasm.
  await pglite.exec('SET plan_cache_mode = force_custom_plan');
  return drizzle(withParsersInstalled(pglite, new PgliteStatements(pglite, module)) as PGlite);
}

/**
 * Makes the migrated folder a first start on PGlite copies (`npm run build` does, through
 * pglite-image.cli); images are cached per migrations fingerprint in node_modules/.cache.
 */
export function makePgliteImage(image = PGLITE_IMAGE): Promise<'cached' | 'made'> {
  return writeImage(
    image,
    join(process.cwd(), 'node_modules', '.cache', 'pglite-image'),
    async (dataDir) => {
      await (await Database.open({ kind: 'pglite', dataDir, image: null })).close();
    },
  );
}

type PendingMigration = { sql: string[]; folderMillis: number; hash: string };

/**
 * drizzle's migrator for PostgreSQL (same journal table, same rule: what is newer than the last
 * applied), in two round-trips rather than one per statement: the pending migrations go as one
 * transaction in one simple query, so the server applies them while this thread is busy loading
 * the app (a synchronous half second in which no reply would be read). Serialised across
 * instances by an advisory lock.
 */
async function migratePostgres(
  client: PoolClient,
  migrations: PendingMigration[],
  onMigrating: () => void,
): Promise<void> {
  try {
    const results = (await client.query(
      `SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY});
       CREATE SCHEMA IF NOT EXISTS drizzle;
       CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (
         id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
       SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
    )) as unknown as QueryResult<{ created_at: string }>[];
    const last = results[results.length - 1].rows[0]?.created_at;
    const statements = migrations
      .filter((m) => last === undefined || Number(last) < m.folderMillis)
      .flatMap((m) => [
        ...m.sql,
        `INSERT INTO drizzle.__drizzle_migrations ("hash", "created_at") VALUES ('${m.hash}', ${m.folderMillis})`,
      ]);
    // Separated on lines of their own: a statement may end in a -- comment.
    const applying =
      statements.length > 0 ? client.query(['BEGIN', ...statements, 'COMMIT'].join('\n;\n')) : null;
    onMigrating();
    await applying;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // Also after a failed first query: the lock may have been taken before it failed. An unlock
    // that fails means the connection is gone, and the lock with it: the first error stands.
    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => undefined);
  }
}

/** One connection (PGlite) or pool (PostgreSQL) behind drizzle, with the helpers every repo needs. */
export class Database {
  private constructor(
    readonly db: Db,
    readonly kind: DatabaseTarget['kind'],
    private readonly closeConnection: () => Promise<void>,
    /** A new PGlite folder copied from the build's migrated image rather than made from zero. */
    readonly seededFromImage = false,
    /**
     * For short statements that must not wait behind the pool's longer work: acknowledging Mercado
     * Pago's notifications while the worker's transactions hold the pool. Its own connections on
     * PostgreSQL; on PGlite, the one connection.
     */
    readonly urgent: Db = db,
  ) {}

  /**
   * `onMigrating` is called once the pending migrations are in the database's hands (PostgreSQL
   * applies them on its own; PGlite at once, as it migrates on this thread): main.ts then loads
   * the app's code meanwhile.
   */
  static async open(
    target: DatabaseTarget,
    onConnectionError: (error: Error) => void = () => undefined,
    onMigrating: () => void = () => undefined,
  ): Promise<Database> {
    // Each kind loads only its own driver: PGlite's wasm glue is not needed beside a pool.
    if (target.kind === 'postgres') {
      const [{ Pool }, { drizzle }, { readMigrationFiles }] = await Promise.all([
        import('pg'),
        import('drizzle-orm/node-postgres'),
        import('drizzle-orm/migrator'),
      ]);
      const [pool, urgent] = [10, URGENT_CONNECTIONS].map((max) => {
        const pool: Pool = new Pool({ connectionString: target.url, max });
        // A connection dropped by the server (restart, failover) must not kill the process. The
        // pool listens only while a connection is idle; one checked out between two queries (in
        // a transaction) errors on the client itself. Either way the next query on it fails and
        // the pool replaces it, so each connection reports its own loss, once.
        pool.on('error', () => undefined);
        pool.on('connect', (client) => client.on('error', (error) => onConnectionError(error)));
        return pool;
      });
      const close = () => Promise.all([pool.end(), urgent.end()]).then(() => undefined);
      const database = new Database(drizzle(pool), 'postgres', close, false, drizzle(urgent));
      try {
        const client = await pool.connect();
        try {
          await migratePostgres(
            client,
            readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }),
            onMigrating,
          );
        } finally {
          client.release();
        }
      } catch (error) {
        await close();
        throw error;
      }
      return database;
    }

    onMigrating();
    const dataDir = resolve(target.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const lock = PidLock.acquire(join(dataDir, 'pglite.pid'));
    try {
      const folder = join(dataDir, 'pglite');
      const image = target.image === undefined ? PGLITE_IMAGE : target.image;
      const seeded = !!image && seedFromImage(folder, image);
      const [{ PGlite }, { migrate }] = await Promise.all([
        import('@electric-sql/pglite'),
        import('drizzle-orm/pglite/migrator'),
      ]);
      const client = await PGlite.create({ dataDir: folder });
      const db = await drizzleOverPglite(client);
      // Also on a seeded folder: migrations newer than the image apply here.
      await migrate(db as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_FOLDER });
      const close = async () => {
        await client.close();
        lock.release();
      };
      return new Database(db, 'pglite', close, seeded);
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
