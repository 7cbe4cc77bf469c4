/**
 * The settlement export at scale (issue 14): a million approved payments (and a refund for one
 * in twenty) spread over 30 days, bulk-inserted with generate_series into a database of its own
 * on PostgreSQL (dropped after), then `GET /v1/reports/settlements` over the whole window through
 * HTTP, as CSV and as JSON lines. Prints rows/s and the service's resident memory while it
 * streams (VmRSS sampled from /proc, and its peak VmHWM). Needs DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { type Child, copyAssets, emitResult, freshPostgres, startProcess } from './bench-support';

const ADMIN = `bench-admin-${randomUUID()}`;
const DAYS = 30;

const FILL = (count: number) => `
  INSERT INTO payments (credential_id, live_mode, created_by, mercadopago_id, status, status_detail,
    currency_id, amount, amount_refunded, installments, payment_method_id, captured, capture,
    binary_mode, external_reference, payer_email, gateway_idempotency_key, created_at,
    date_approved, fee_details, net_received_amount, total_paid_amount, installment_amount,
    overpaid_amount, money_release_date, money_release_status)
  SELECT '00000000-0000-4000-8000-000000000001', false, 'bench', 30000000000 + n, 'approved',
    'accredited', 'BRL', amount, 0, 1, 'master', true, true, false, 'order-' || n,
    'payer' || (n % 1000) || '@testuser.com', 'bench-' || n, at, at,
    jsonb_build_array(jsonb_build_object('type', 'mercadopago_fee', 'amount', fee,
      'fee_payer', 'collector')),
    amount - fee, amount, amount, 0, at + interval '14 days',
    CASE WHEN at < now() - interval '14 days' THEN 'released' ELSE 'pending' END
  FROM (
    SELECT n, 1000 + n % 100000 AS amount, round((1000 + n % 100000) * 0.0449)::bigint AS fee,
      now() - make_interval(secs => n * (${DAYS} * 86400.0 / ${count})) AS at
    FROM generate_series(1, ${count}) AS n
  ) AS generated;
  INSERT INTO refunds (payment_id, mercadopago_id, status, amount, "full", gateway_idempotency_key,
    created_at)
  SELECT id, mercadopago_id + 10000000000, 'approved', amount / 2, false, 'bench-refund-' || id,
    date_approved + interval '1 hour'
  FROM payments WHERE mercadopago_id % 20 = 0;
  ANALYZE payments;
  ANALYZE refunds;`;

function memoryMib(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Reads the whole export as it streams, counting lines; samples the service's RSS meanwhile. */
async function exportOnce(url: string, pid: number, accept: string) {
  const from = new Date(Date.now() - (DAYS + 1) * 86_400_000).toISOString();
  // Refunds are dated an hour after their payment: the window reaches past the newest.
  const to = new Date(Date.now() + 2 * 3_600_000).toISOString();
  let maxRss = memoryMib(pid).rss;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, memoryMib(pid).rss);
  }, 50);
  const started = performance.now();
  const res = await fetch(`${url}/v1/reports/settlements?from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${ADMIN}`, accept },
  });
  if (res.status !== 200 || !res.body) throw new Error(`${res.status} ${await res.text()}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return { lines, bytes, seconds, maxRss, peak: memoryMib(pid).peak };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    console.log('settlements-export: set DATABASE_URL (a PostgreSQL) to run it');
    return;
  }
  copyAssets();
  const count = Number(process.env.BENCH_PAYMENTS ?? 1_000_000);
  const postgres = await freshPostgres(process.env.DATABASE_URL, 'mp_settlements_bench');
  try {
    const env = {
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: ADMIN,
      EMULATOR_PORT: '0',
      DATABASE_URL: postgres.url,
    };
    const listening = /"msg":"Listening on (http:\/\/[^"]+)"/;
    // A first start creates the schema; the rows go in while it is down.
    await (await startProcess('src/main.js', env, listening, () => '')).stop();
    const filling = performance.now();
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    await client.query(FILL(count));
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM refunds');
    await client.end();
    const movements = count + Number(rows[0].n);
    console.log(
      `[PostgreSQL] ${count.toLocaleString('en')} payments and ${Number(rows[0].n).toLocaleString('en')} refunds inserted in ${((performance.now() - filling) / 1000).toFixed(1)} s`,
    );
    const service = await startProcess('src/main.js', env, listening, (match) => match[1]);
    try {
      await measure(service, movements);
    } finally {
      await service.stop();
    }
  } finally {
    await postgres.drop();
  }
}

async function measure(service: Child, movements: number): Promise<void> {
  const idle = memoryMib(service.pid);
  console.log(`  service idle RSS ${idle.rss.toFixed(0)} MiB`);
  for (const [label, accept, header] of [
    ['csv', 'text/csv', 1],
    ['json lines', 'application/x-ndjson', 0],
  ] as const) {
    const result = await exportOnce(service.url, service.pid, accept);
    // Every movement, plus the header (CSV) and the total row.
    const exported = result.lines - header - 1;
    if (exported !== movements) throw new Error(`${exported} rows exported, ${movements} expected`);
    const rowsPerSecond = exported / result.seconds;
    console.log(
      `  ${label.padEnd(10)} ${exported.toLocaleString('en')} rows, ${(result.bytes / 2 ** 20).toFixed(0)} MiB in ${result.seconds.toFixed(1)} s: ${rowsPerSecond.toFixed(0)} rows/s; RSS while streaming ≤ ${result.maxRss.toFixed(0)} MiB (idle ${idle.rss.toFixed(0)}), peak ${result.peak.toFixed(0)} MiB`,
    );
    emitResult('settlements', 'PostgreSQL', label, {
      rows: exported,
      rows_per_s: rowsPerSecond,
      export_s: result.seconds,
      streaming_rss_mib: result.maxRss,
      peak_rss_mib: result.peak,
    });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
