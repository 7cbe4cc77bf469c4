/**
 * Payment events to internal services: delivered events per second and the service's CPU per
 * delivered event while a backlog drains (the endpoint turned off during the payments, then on),
 * then the lag from the change (the event's timestamp) to its arrival at the subscriber (p50/p99)
 * while payments are made live. On PGlite and, when DATABASE_URL is set, on a fresh PostgreSQL
 * database. Emulator and service run as their own processes; the subscriber runs here.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TEST_PAYER,
  copyAssets,
  cpuMs,
  createCardToken,
  emitResult,
  freshPostgres,
  serviceEnv,
  startEmulator,
  startService,
} from './bench-support';

const BACKLOG_PAYMENTS = Number(process.env.BENCH_BACKLOG_PAYMENTS ?? 300);
const LIVE_PAYMENTS = Number(process.env.BENCH_LIVE_PAYMENTS ?? 200);
const CONCURRENCY = 4;
const DEADLINE_MS = 120_000;
const ADMIN = `bench-admin-${randomUUID()}`;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Records each event's arrival: id → [arrival ms, the event's own timestamp ms]. */
async function startSubscriber() {
  const arrivals = new Map<string, [number, number]>();
  let duplicates = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString()) as {
        id: string;
        timestamp: string;
      };
      if (arrivals.has(event.id)) duplicates++;
      else arrivals.set(event.id, [Date.now(), Date.parse(event.timestamp)]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    arrivals,
    duplicates: () => duplicates,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function api(base: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** `count` approved payments through our API, CONCURRENCY at a time. */
async function payments(serviceUrl: string, emulatorUrl: string, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < count) {
        const token = await createCardToken(emulatorUrl);
        await api(serviceUrl, 'POST', '/v1/payments', {
          token,
          transaction_amount: 100,
          installments: 1,
          payment_method_id: 'master',
          payer: TEST_PAYER,
        });
      }
    }),
  );
}

/** Every event listed by GET /v1/events since `since` (they are what must arrive). */
async function eventCount(serviceUrl: string, since: string): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', created_from: since });
    if (cursor) query.set('cursor', cursor);
    const page = await api(serviceUrl, 'GET', `/v1/events?${query.toString()}`);
    total += (page.data as unknown[]).length;
    cursor = (page.next_cursor as string | null) ?? undefined;
  } while (cursor);
  return total;
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const end = Date.now() + DEADLINE_MS;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function run(label: string, database: Record<string, string>): Promise<void> {
  const emulator = await startEmulator();
  const service = await startService({
    ...serviceEnv(emulator.url, ADMIN),
    ...database,
    RECONCILE_INTERVAL_SECONDS: '0',
    ...(process.env.BENCH_EVENT_INTERVAL
      ? { EVENT_WORKER_INTERVAL_MS: process.env.BENCH_EVENT_INTERVAL }
      : {}),
  });
  const subscriber = await startSubscriber();
  try {
    const endpoint = await api(service.url, 'POST', '/v1/webhook-endpoints', {
      url: subscriber.url,
    });
    const endpointPath = `/v1/webhook-endpoints/${String(endpoint.id)}`;

    // Backlog: events queue while the endpoint is off, then drain with no other load.
    await api(service.url, 'PATCH', endpointPath, { enabled: false });
    const backlogFrom = new Date().toISOString();
    await payments(service.url, emulator.url, BACKLOG_PAYMENTS);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // notifications settle
    const backlog = await eventCount(service.url, backlogFrom);
    const cpuBefore = cpuMs(service.pid) ?? 0;
    const started = performance.now();
    await api(service.url, 'PATCH', endpointPath, { enabled: true });
    await until('backlog delivered', () => subscriber.arrivals.size >= backlog);
    const drainMs = performance.now() - started;
    const drainCpu = (cpuMs(service.pid) ?? 0) - cpuBefore;

    // Live: lag from each change to its arrival while payments are being made.
    const liveFrom = new Date().toISOString();
    const before = new Set(subscriber.arrivals.keys());
    const liveCpuBefore = cpuMs(service.pid) ?? 0;
    const liveStarted = performance.now();
    await payments(service.url, emulator.url, LIVE_PAYMENTS);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const live = await eventCount(service.url, liveFrom);
    await until('live events delivered', () => subscriber.arrivals.size >= backlog + live);
    const liveMs = performance.now() - liveStarted;
    const liveCpu = (cpuMs(service.pid) ?? 0) - liveCpuBefore;
    const lags = [...subscriber.arrivals]
      .filter(([id]) => !before.has(id))
      .map(([, [arrived, changed]]) => arrived - changed)
      .sort((a, b) => a - b);

    console.log(`[${label}]`);
    console.log(
      `  backlog drain   ${(backlog / (drainMs / 1000)).toFixed(0).padStart(6)} events/s` +
        `  (${backlog} events in ${(drainMs / 1000).toFixed(2)} s; service CPU ` +
        `${(drainCpu / backlog).toFixed(2)} ms per event)`,
    );
    console.log(
      `  live            ${(live / (liveMs / 1000)).toFixed(0).padStart(6)} events/s` +
        `  lag change → delivered p50 ${percentile(lags, 0.5)} ms, p99 ${percentile(lags, 0.99)} ms` +
        `  (${live} events of ${LIVE_PAYMENTS} payments at concurrency ${CONCURRENCY}; service ` +
        `CPU ${(liveCpu / live).toFixed(2)} ms per event, payment work included)`,
    );
    console.log(`  duplicates      ${subscriber.duplicates()}`);
    emitResult('events', label, 'this build', {
      backlog_events_per_s: backlog / (drainMs / 1000),
      cpu_ms_per_event: drainCpu / backlog,
      live_events_per_s: live / (liveMs / 1000),
      delivered_p50_ms: percentile(lags, 0.5),
      delivered_p99_ms: percentile(lags, 0.99),
      duplicates: subscriber.duplicates(),
    });
  } finally {
    await subscriber.close();
    await service.stop();
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  copyAssets();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-bench-events-'));
  try {
    await run('PGlite', { DATA_DIR: dataDir });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url) {
    const fresh = await freshPostgres(url, 'mp_bench_events');
    try {
      await run('PostgreSQL', { DATABASE_URL: fresh.url });
    } finally {
      await fresh.drop();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
