/**
 * Listing at scale: fills the payments table with synthetic rows (a million on PostgreSQL, fewer
 * on PGlite), then times list pages through the service: newest first, deep cursor pages, and
 * each filter. Prints p50/p99 per query shape; bounded by its request counts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { copyAssets, emitResult, fmt, freshPostgres, runLoad, startProcess } from './bench-support';

const ADMIN = `bench-admin-${randomUUID()}`;
const REQUESTS = 300;

/** Rows spread over 30 days, a few statuses, 1,000 payers and 10,000 order references. */
const FILL = (count: number) => `
  INSERT INTO payments (credential_id, live_mode, created_by, mercadopago_id, status, status_detail,
    currency_id, amount, installments, payment_method_id, capture, binary_mode, external_reference,
    payer_email, gateway_idempotency_key, created_at)
  SELECT '00000000-0000-4000-8000-000000000001', false, 'bench', 20000000000 + n,
    (ARRAY['approved','rejected','in_process','refunded'])[1 + n % 4], 'accredited', 'BRL',
    100 + n % 10000, 1, 'master', true, false, 'order-' || (n % 10000),
    'payer' || (n % 1000) || '@testuser.com', 'bench-' || n,
    now() - (n || ' seconds')::interval * (2592000.0 / ${count})
  FROM generate_series(1, ${count}) AS n;
  ANALYZE payments;`;

async function fill(database: Record<string, string>, count: number): Promise<void> {
  if (database.DATABASE_URL) {
    const client = new Client({ connectionString: database.DATABASE_URL });
    await client.connect();
    await client.query(FILL(count));
    await client.end();
    return;
  }
  const db = await PGlite.create({ dataDir: path.join(database.DATA_DIR, 'pglite') });
  await db.exec(FILL(count));
  await db.close();
}

async function run(label: string, database: Record<string, string>, count: number): Promise<void> {
  const env = {
    NODE_ENV: 'development',
    LOG_FORMAT: 'json',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: ADMIN,
    EMULATOR_PORT: '0',
    ...database,
  };
  // A first start creates the schema; the rows go in while the service is down (PGlite allows
  // one process per folder), and a second start serves them.
  const listening = /"msg":"Listening on (http:\/\/[^"]+)"/;
  await (await startProcess('src/main.js', env, listening, () => '')).stop();
  const filled = performance.now();
  await fill(database, count);
  console.log(
    `[${label}] ${count.toLocaleString('en')} payments inserted in ${((performance.now() - filled) / 1000).toFixed(1)} s`,
  );
  const service = await startProcess('src/main.js', env, listening, (match) => match[1]);
  const get = async (query: string): Promise<{ next_cursor: string | null }> => {
    const res = await fetch(`${service.url}/v1/payments?${query}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    return (await res.json()) as { next_cursor: string | null };
  };
  let deep = (await get('limit=100')).next_cursor;
  for (let page = 0; page < 100 && deep; page++)
    deep = (await get(`limit=100&cursor=${deep}`)).next_cursor;
  const shapes: [string, (i: number) => string][] = [
    ['newest 50', () => 'limit=50'],
    ['page 100 (cursor)', () => `limit=50&cursor=${deep}`],
    ['status=in_process', () => 'status=in_process&limit=50'],
    ['external_reference', (i) => `external_reference=order-${i % 10000}&limit=50`],
    ['payer_email', (i) => `payer_email=payer${i % 1000}@testuser.com&limit=50`],
    [
      'created_from/created_to (1 day)',
      () =>
        `created_from=${encodeURIComponent(new Date(Date.now() - 5 * 86_400_000).toISOString())}&created_to=${encodeURIComponent(new Date(Date.now() - 4 * 86_400_000).toISOString())}&limit=50`,
    ],
  ];
  for (const [name, query] of shapes) {
    const result = await runLoad(
      4,
      60_000,
      async (i) => {
        await get(query(i));
        return true;
      },
      REQUESTS,
    );
    console.log(`  ${name.padEnd(32)} ${fmt(result)}`);
    emitResult('payments-list', label, name, {
      requests_per_s: result.perSecond,
      p50_ms: result.p50,
      p99_ms: result.p99,
    });
  }
  await service.stop();
}

async function main(): Promise<void> {
  copyAssets();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-list-bench-'));
  try {
    await run('PGlite', { DATA_DIR: dataDir }, Number(process.env.BENCH_PGLITE_ROWS ?? 200_000));
    if (process.env.DATABASE_URL) {
      const postgres = await freshPostgres(process.env.DATABASE_URL);
      await run(
        'PostgreSQL',
        { DATABASE_URL: postgres.url, DATA_DIR: dataDir },
        Number(process.env.BENCH_POSTGRES_ROWS ?? 1_000_000),
      );
      await postgres.drop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
