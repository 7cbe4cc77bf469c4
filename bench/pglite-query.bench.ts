/**
 * Cost of one statement through drizzle on PGlite, in this process: drizzle's own pglite driver
 * (which hands PGlite its `parsers` with every query, so PGlite copies its whole parser table,
 * and whose every query PGlite parses and plans again in six calls into its wasm) beside ours
 * (`drizzleOverPglite`: parsers installed once, each text a named statement run in one call), on
 * one PGlite instance, in alternating rounds. Statements: a service-token lookup as the auth guard
 * does it (built each time, and `.prepare()`d once), and an insert. Prints queries/s and CPU µs
 * per query from the process's own counters (the cores are shared), medians of BENCH_ROUNDS
 * (default 5).
 */
import type { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceTokens } from '../src/auth/tokens.schema';
import { drizzleOverPglite, type Db } from '../src/database/database';
import { PGLITE_IMAGE, seedFromImage } from '../src/database/pglite-image';
import { emitResult, prepareDistBench } from './bench-support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2000);

type Statement = (db: Db) => () => Promise<unknown>;

const lookup = (db: Db) =>
  db
    .select({
      id: serviceTokens.id,
      scopes: serviceTokens.scopes,
      revokedAt: serviceTokens.revokedAt,
    })
    .from(serviceTokens)
    .where(eq(serviceTokens.tokenHash, 'hash-1'));

const STATEMENTS: [string, Statement][] = [
  ['select, built per query', (db) => () => lookup(db)],
  [
    'select, .prepare()d once',
    (db) => {
      const prepared = db
        .select({
          id: serviceTokens.id,
          scopes: serviceTokens.scopes,
          revokedAt: serviceTokens.revokedAt,
        })
        .from(serviceTokens)
        .where(eq(serviceTokens.tokenHash, sql.placeholder('hash')))
        .prepare('bench_token_by_hash');
      return () => prepared.execute({ hash: 'hash-1' });
    },
  ],
  [
    'insert',
    (db) => {
      let n = 0;
      return () =>
        db.insert(serviceTokens).values({
          name: 'bench',
          prefix: 'bench',
          tokenHash: `bench-${process.pid}-${n++}-${Math.random()}`,
          scopes: ['payments:read'],
        });
    },
  ],
];

async function time(run: () => Promise<unknown>): Promise<{ perSecond: number; cpuUs: number }> {
  for (let i = 0; i < 100; i++) await run();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < QUERIES; i++) await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perSecond: (QUERIES / wall) * 1000, cpuUs: (used.user + used.system) / QUERIES };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main(): Promise<void> {
  await prepareDistBench();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-query-bench-'));
  const folder = path.join(dataDir, 'pglite');
  if (!seedFromImage(folder, PGLITE_IMAGE)) throw new Error('no current PGlite image');
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const client: PGlite = await PGlite.create({ dataDir: folder });
  try {
    await client.query(
      `INSERT INTO service_tokens (name, prefix, token_hash, scopes) VALUES ('a', 'a', 'hash-1', '{payments:read,payments:write}')`,
    );
    const drivers: [string, Db][] = [
      ["drizzle's pglite driver", drizzle(client)],
      ['ours (named statements)', await drizzleOverPglite(client)],
    ];
    console.log(
      `drizzle on PGlite, one process; ${QUERIES} queries per round, median of ${ROUNDS} rounds\n`,
    );
    for (const [statement, make] of STATEMENTS) {
      console.log(`[${statement}]`);
      const runs = drivers.map(([label, db]) => ({
        label,
        run: make(db),
        samples: [] as Awaited<ReturnType<typeof time>>[],
      }));
      for (let round = 0; round < ROUNDS; round++) {
        for (const driver of runs) driver.samples.push(await time(driver.run));
      }
      for (const { label, samples } of runs) {
        emitResult('pglite-query', `PGlite: ${statement}`, label, {
          queries_per_s: median(samples.map((s) => s.perSecond)),
          cpu_us_per_query: median(samples.map((s) => s.cpuUs)),
        });
        console.log(
          `  ${label.padEnd(30)} ${median(samples.map((s) => s.perSecond))
            .toFixed(0)
            .padStart(6)} queries/s  ` +
            `${median(samples.map((s) => s.cpuUs))
              .toFixed(0)
              .padStart(5)} µs CPU per query`,
        );
      }
    }
  } finally {
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
