/**
 * Mercado Pago notifications in: acknowledgement latency (open loop, at a fixed offered rate),
 * CPU ms per notification from the service process's own counters, and the lag from receipt to
 * the payment applied, on PGlite and (with DATABASE_URL) on PostgreSQL. Every notification names
 * a distinct payment, made at Mercado Pago beforehand, so each one costs a read and a write. The
 * emulator, the service and the load generator each run in their own process. BENCH_BASELINE
 * names another compiled tree (its `dist-bench`) to measure side by side in the same run.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../emulator/emulator.defaults';
import { buildManifest, sign } from '../src/webhooks/inbound/signature';
import {
  copyAssets,
  cpuMs,
  createCardToken,
  emitResult,
  freePort,
  freshPostgres,
  quietCpuMs,
  serviceEnv,
  startEmulator,
  startFloor,
  startService,
} from './bench-support';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const RATES: Record<string, number> = {
  PGlite: Number(process.env.BENCH_RATE_PGLITE ?? 300),
  PostgreSQL: Number(process.env.BENCH_RATE_POSTGRES ?? 1000),
};
/** A calm phase after the load, for the lag of one notification on an idle service. */
const CALM = { count: 100, rate: 50 };
/**
 * Seconds at the offered rate before measuring, one distinct payment per notification like the
 * measured run, so the acknowledgement and the worker's whole path are compiled and the figures
 * are a warm service's (see bench:payments: the JIT settles after thousands of requests, not
 * hundreds). The first second of it is a cold process's, printed apart.
 */
const WARMUP_S = Math.max(1, Number(process.env.BENCH_WARMUP_SECONDS ?? 8));
const ADMIN = `bench-admin-${randomUUID()}`;
const BASELINE = process.env.BENCH_BASELINE;
/** E.g. `PostgreSQL`: measure on these databases only. */
const ONLY = process.env.BENCH_DATABASES?.split(',');

interface LoadPlan {
  url: string;
  credentialId: string;
  ids: string[];
  rate: number;
}

interface LoadReport {
  sent: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** The generator's own CPU: near 1,000 ms per second of load, it is the limit, not the service. */
  generatorCpuMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/**
 * The load generator (in its own process): one signed notification per id, sent on a fixed
 * schedule whatever the answers do (open loop), latency counted from the scheduled time so a
 * stall is not hidden by sending less.
 */
async function generate(plan: LoadPlan): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(plan.url);
  const latencies: number[] = [];
  let errors = 0;
  const post = (dataId: string, due: number) =>
    new Promise<void>((resolve) => {
      const requestId = randomUUID();
      const ts = String(Date.now());
      const v1 = sign(EMULATOR_DEFAULT_WEBHOOK_SECRET, buildManifest(dataId, requestId, ts));
      const body = JSON.stringify({
        action: 'payment.updated',
        data: { id: dataId },
        type: 'payment',
      });
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: `/webhooks/mercadopago/${plan.credentialId}?data.id=${dataId}&type=payment`,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-request-id': requestId,
            'x-signature': `ts=${ts},v1=${v1}`,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            latencies.push(performance.now() - due);
            if (response.statusCode !== 200) errors++;
            resolve();
          });
        },
      );
      request.on('error', () => {
        errors++;
        resolve();
      });
      request.end(body);
    });

  const interval = 1000 / plan.rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < plan.ids.length; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(post(plan.ids[i], due));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const usage = process.cpuUsage();
  latencies.sort((a, b) => a - b);
  return {
    sent: plan.ids.length,
    errors,
    perSecond: plan.ids.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    generatorCpuMs: (usage.user + usage.system) / 1000,
  };
}

function loadInChild(plan: LoadPlan): Promise<LoadReport> {
  const child = fork(__filename, ['load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (report) => resolve(report as LoadReport));
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    child.send(plan);
  });
}

/** Payments made at Mercado Pago directly (no notification_url: the load sends them). */
async function seedPayments(emulatorUrl: string, count: number): Promise<string[]> {
  const one = async () => {
    const token = await createCardToken(emulatorUrl, 'APRO');
    const res = await fetch(`${emulatorUrl}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}`,
        'content-type': 'application/json',
        'x-idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        transaction_amount: 100,
        token,
        installments: 1,
        payment_method_id: 'master',
        payer: { email: 'bench@testuser.com' },
      }),
    });
    return String(((await res.json()) as { id: number }).id);
  };
  const ids: string[] = [];
  while (ids.length < count) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(50, count - ids.length) }, one))));
  }
  return ids;
}

type Row = {
  resource_id: string;
  status: string;
  received_at: string;
  processed_at: string | null;
};

async function admin<T>(serviceUrl: string, route: string): Promise<T> {
  const res = await fetch(`${serviceUrl}${route}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every notification row, newest first, through the operators' API. */
async function allRows(serviceUrl: string): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: Row[]; next_cursor: string | null } = await admin(
      serviceUrl,
      `/v1/notifications?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    rows.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

/** Waits until nothing is pending or processing (at most 120 s); returns the ms it took. */
async function drained(serviceUrl: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 120_000) {
    const [pending, processing] = await Promise.all(
      ['pending', 'processing'].map((status) =>
        admin<{ data: Row[] }>(serviceUrl, `/v1/notifications?limit=1&status=${status}`),
      ),
    );
    if (pending.data.length === 0 && processing.data.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

const lagOf = (rows: Row[]) =>
  rows
    .filter((row) => row.status === 'done' && row.processed_at)
    .map((row) => Date.parse(row.processed_at!) - Date.parse(row.received_at))
    .sort((a, b) => a - b);

interface Measured {
  warm: LoadReport;
  load: LoadReport;
  cpuPerNotification: number;
  drainMs: number;
  lag: number[];
  calmLag: number[];
}

/**
 * Splits the ids into the measured run, the calm phase and the warm-up, and sends the warm-up;
 * resolves with its first (cold) second.
 */
async function warmUp(url: string, credentialId: string, ids: string[], rate: number) {
  const loadIds = ids.slice(0, rate * DURATION_S);
  const calmIds = ids.slice(rate * DURATION_S, rate * DURATION_S + CALM.count);
  const warmIds = ids.slice(ids.length - rate * WARMUP_S);
  const warm = await loadInChild({ url, credentialId, ids: warmIds.slice(0, rate), rate });
  await loadInChild({ url, credentialId, ids: warmIds.slice(rate), rate });
  return { loadIds, calmIds, warm };
}

/**
 * bench/floor-service.ts on a database of its own: the acknowledgement's write and the apply,
 * nothing else. It keeps no notification log, so no lag: drained is until its CPU went quiet.
 */
async function measureFloor(
  emulatorUrl: string,
  database: Record<string, string>,
  ids: string[],
  rate: number,
): Promise<Measured> {
  const floor = await startFloor({ ...serviceEnv(emulatorUrl, ADMIN), ...database });
  try {
    const { loadIds, warm } = await warmUp(floor.url, 'floor', ids, rate);
    const before = await quietCpuMs(floor.pid, 120_000);
    const load = await loadInChild({ url: floor.url, credentialId: 'floor', ids: loadIds, rate });
    const sent = performance.now();
    const cpu = (await quietCpuMs(floor.pid, 120_000)) - before;
    const drainMs = performance.now() - sent;
    return { warm, load, cpuPerNotification: cpu / loadIds.length, drainMs, lag: [], calmLag: [] };
  } finally {
    await floor.stop();
  }
}

/** One build of the service on a database of its own. */
async function measure(
  emulatorUrl: string,
  database: Record<string, string>,
  ids: string[],
  rate: number,
  root?: string,
): Promise<Measured> {
  const port = await freePort();
  const service = await startService(
    {
      ...serviceEnv(emulatorUrl, ADMIN),
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      RECONCILE_INTERVAL_SECONDS: '0',
      ...database,
    },
    root,
  );
  try {
    const credentials = await admin<{ data: { id: string; is_default: boolean }[] }>(
      service.url,
      '/v1/credentials',
    );
    const credentialId = credentials.data.find((c) => c.is_default)?.id ?? '';
    const { loadIds, calmIds, warm } = await warmUp(service.url, credentialId, ids, rate);
    await drained(service.url);

    const before = cpuMs(service.pid) ?? 0;
    const load = await loadInChild({ url: service.url, credentialId, ids: loadIds, rate });
    const drainMs = await drained(service.url);
    const cpu = (cpuMs(service.pid) ?? 0) - before;
    const measured = new Set(loadIds);
    const lag = lagOf((await allRows(service.url)).filter((row) => measured.has(row.resource_id)));

    await loadInChild({ url: service.url, credentialId, ids: calmIds, rate: CALM.rate });
    await drained(service.url);
    const calmLag = lagOf((await allRows(service.url)).slice(0, CALM.count));
    return { warm, load, cpuPerNotification: cpu / loadIds.length, drainMs, lag, calmLag };
  } finally {
    await service.stop();
  }
}

const ms = (value: number) => value.toFixed(1).padStart(7);

function print(kind: string, label: string, m: Measured): void {
  const { load } = m;
  console.log(
    `  ${label.padEnd(11)} ack ${load.perSecond.toFixed(0).padStart(5)}/s  p50 ${ms(load.p50)}  p99 ${ms(load.p99)}  max ${ms(load.max)} ms` +
      `  non-200 ${load.errors}  ${m.cpuPerNotification.toFixed(2)} ms CPU/notification` +
      `  (generator ${((100 * load.generatorCpuMs * load.perSecond) / (load.sent * 1000)).toFixed(0)}% of a core)` +
      `  drained +${(m.drainMs / 1000).toFixed(1)} s` +
      // The floor keeps no notification log to read a lag from.
      (m.calmLag.length === 0
        ? ''
        : `  lag p50 ${ms(percentile(m.lag, 0.5))} (under load) ${ms(percentile(m.calmLag, 0.5))} ms (calm, p99 ${percentile(m.calmLag, 0.99).toFixed(1)})`) +
      `  [first second, cold: p99 ${ms(m.warm.p99)} ms]`,
  );
  emitResult('webhooks', kind, label, {
    offered_per_s: RATES[kind],
    ack_per_s: load.perSecond,
    ack_p50_ms: load.p50,
    ack_p99_ms: load.p99,
    cold_first_second_ack_p99_ms: m.warm.p99,
    non_200: load.errors,
    cpu_ms_per_notification: m.cpuPerNotification,
    updated_p50_ms: percentile(m.lag, 0.5),
    calm_updated_p50_ms: percentile(m.calmLag, 0.5),
    calm_updated_p99_ms: percentile(m.calmLag, 0.99),
  });
}

async function main(): Promise<void> {
  copyAssets();
  const builds: [string, string | undefined][] = [['this build', undefined]];
  if (BASELINE) builds.unshift(['baseline', BASELINE]);
  const kinds = (process.env.DATABASE_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite']).filter(
    (kind) => !ONLY || ONLY.includes(kind),
  );
  const emulator = await startEmulator();
  const folders: string[] = [];
  const databases: { drop(): Promise<void> }[] = [];
  try {
    const needed =
      Math.max(...kinds.map((kind) => RATES[kind] * (DURATION_S + WARMUP_S))) + CALM.count;
    const ids = await seedPayments(emulator.url, needed);
    console.log(
      `notifications in, ${DURATION_S} s open loop per run after ${WARMUP_S} s of warm-up, one ` +
        'distinct payment per notification; ' +
        'CPU counts the service process until its inbox drained' +
        (BASELINE ? `; baseline: ${BASELINE}` : '') +
        '\n',
    );
    for (const kind of kinds) {
      console.log(`[${kind}] offered ${RATES[kind]}/s`);
      const fresh = async (): Promise<Record<string, string>> => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-bench-webhooks-'));
        folders.push(dataDir);
        if (kind !== 'PostgreSQL') return { DATA_DIR: dataDir };
        const postgres = await freshPostgres(process.env.DATABASE_URL ?? '');
        databases.push(postgres);
        return { DATA_DIR: dataDir, DATABASE_URL: postgres.url };
      };
      print(kind, 'floor', await measureFloor(emulator.url, await fresh(), ids, RATES[kind]));
      for (const [label, root] of builds) {
        print(kind, label, await measure(emulator.url, await fresh(), ids, RATES[kind], root));
      }
      console.log('');
    }
  } finally {
    await emulator.stop();
    for (const database of databases) await database.drop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'load') {
  process.once('message', (plan) => {
    void generate(plan as LoadPlan).then((report) => {
      process.send?.(report, () => process.exit(0));
    });
  });
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
