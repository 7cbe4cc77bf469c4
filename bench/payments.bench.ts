/**
 * Create-payment throughput, latency and CPU: through the service vs. straight to the emulator
 * with the official SDK, in the same run, on PGlite and (with DATABASE_URL) on PostgreSQL. As in
 * production, the service gets the emulator's notification for every payment and callers use a
 * real service token. The emulator and the service each run in their own process; this process
 * only generates load. BENCH_BASELINE names another compiled tree (its `dist-bench`, e.g. of an
 * earlier commit) to measure side by side in the same run. Bounded in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import MercadoPagoConfig, { Payment } from 'mercadopago';
import { AppConfig } from 'mercadopago/dist/utils/config';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../emulator/emulator.defaults';
import {
  LoadResult,
  TEST_PAYER,
  copyAssets,
  cpuMs,
  createCardToken,
  emitResult,
  fmt,
  freePort,
  freshPostgres,
  queryCounter,
  quietCpuMs,
  runLoad,
  runRate,
  serviceEnv,
  startEmulator,
  startFloor,
  startService,
} from './bench-support';

const DURATION_MS = Number(process.env.BENCH_DURATION ?? 8) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Card tokens are single use: a closed-loop run stops early rather than reuse one. */
const TOKENS = Number(process.env.BENCH_TOKENS ?? 4000);
/**
 * Payments before measuring, so JIT warm-up and first-use costs are not counted: up to WARMUP
 * payments or WARMUP_MS, whichever ends first. The JIT settles slowly here (Nest, Fastify, undici,
 * pg, drizzle, class-validator, and PGlite's wasm tiering up): after 400 payments V8 still
 * optimised 437 functions in the next 8 s of load; after 3,500, 83. So the warm-up is thousands
 * of payments, not hundreds, or the figures are a cold process's.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 4000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 20) * 1000;
/** Open-loop rates (payments/s) for the latency rows. */
const RATES = (process.env.BENCH_RATES ?? '50,100,200').split(',').filter(Boolean).map(Number);
const ADMIN = `bench-admin-${randomUUID()}`;
const BASELINE = process.env.BENCH_BASELINE;
/** E.g. `PostgreSQL`: measure on these databases only. */
const ONLY = process.env.BENCH_DATABASES?.split(',');

/** Card tokens are single use: make enough beforehand, outside the measured time. */
async function cardTokens(emulatorUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    tokens.push(
      ...(await Promise.all(Array.from({ length: 50 }, () => createCardToken(emulatorUrl)))),
    );
  }
  return tokens;
}

/** One payment through some path, with a fresh card token; false when it was not approved. */
type Pay = (token: string) => Promise<boolean>;

function sdkPay(emulatorUrl: string): Pay {
  (AppConfig as unknown as { BASE_URL: string }).BASE_URL = emulatorUrl;
  return async (token) => {
    const config = new MercadoPagoConfig({
      accessToken: EMULATOR_DEFAULT_ACCESS_TOKEN,
      options: { timeout: 10_000, maxRetries: 0 },
    });
    const payment = await new Payment(config).create({
      body: {
        token,
        transaction_amount: 100,
        installments: 1,
        payment_method_id: 'master',
        payer: TEST_PAYER,
      },
      requestOptions: { idempotencyKey: randomUUID() },
    });
    return payment.status === 'approved';
  };
}

function servicePay(serviceUrl: string, serviceToken: string): Pay {
  return async (token) => {
    const res = await fetch(`${serviceUrl}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${serviceToken}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        token,
        transaction_amount: 100,
        installments: 1,
        payment_method_id: 'master',
        payer: TEST_PAYER,
      }),
    });
    const body = (await res.json()) as { status?: string };
    return res.status === 201 && body.status === 'approved';
  };
}

/** A service token with the scopes a caller needs, made as ops would: not the admin token. */
async function serviceToken(serviceUrl: string): Promise<string> {
  const res = await fetch(`${serviceUrl}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['payments:read', 'payments:write'] }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

interface Row {
  closed: LoadResult;
  cpuPerPayment?: number;
  statementsPerPayment?: number;
  open: LoadResult[];
}

/**
 * Closed-loop ceiling, then open-loop latency at each rate; the service's CPU and statements
 * over the closed loop, when it is the one measured.
 */
async function drive(
  emulatorUrl: string,
  pay: Pay,
  service?: { pid: number; statements?: () => number },
): Promise<Row> {
  const warm = await cardTokens(emulatorUrl, WARMUP);
  await runLoad(CONCURRENCY, WARMUP_MS, (i) => pay(warm[i]), warm.length);
  if (service) await quietCpuMs(service.pid);
  const tokens = await cardTokens(emulatorUrl, TOKENS);
  const before = service && { cpu: cpuMs(service.pid) ?? 0, statements: service.statements?.() };
  const closed = await runLoad(CONCURRENCY, DURATION_MS, (i) => pay(tokens[i]), tokens.length);
  const per = (total: number) => total / Math.max(1, closed.requests);
  const cpuPerPayment =
    service && before ? per((await quietCpuMs(service.pid)) - before.cpu) : undefined;
  const statementsPerPayment =
    service?.statements && before?.statements !== undefined
      ? per(service.statements() - before.statements)
      : undefined;
  const open: LoadResult[] = [];
  for (const rate of RATES) {
    const rateTokens = await cardTokens(emulatorUrl, Math.round((rate * DURATION_MS) / 1000));
    open.push(await runRate(rate, DURATION_MS, (i) => pay(rateTokens[i])));
    if (service) await quietCpuMs(service.pid);
  }
  return { closed, cpuPerPayment, statementsPerPayment, open };
}

/** One build of the service on a database of its own, notified by the emulator like production. */
async function measure(
  emulatorUrl: string,
  database: Record<string, string>,
  root?: string,
): Promise<Row> {
  const port = await freePort();
  const counter = database.DATABASE_URL ? queryCounter() : undefined;
  const service = await startService(
    {
      ...serviceEnv(emulatorUrl, ADMIN),
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...database,
      ...counter?.env,
    },
    root,
    counter?.nodeArgs,
  );
  try {
    const pay = servicePay(service.url, await serviceToken(service.url));
    return await drive(emulatorUrl, pay, { pid: service.pid, statements: counter?.read });
  } finally {
    await service.stop();
  }
}

/**
 * bench/floor-service.ts on the same database: the payment's and its notification's writes and
 * nothing else, so a row shows what this machine allows whatever the service's design.
 */
async function measureFloor(emulatorUrl: string, database: Record<string, string>): Promise<Row> {
  const counter = database.DATABASE_URL ? queryCounter() : undefined;
  const floor = await startFloor(
    { ...serviceEnv(emulatorUrl, ADMIN), ...database, ...counter?.env },
    counter?.nodeArgs,
  );
  try {
    return await drive(emulatorUrl, servicePay(floor.url, 'none'), {
      pid: floor.pid,
      statements: counter?.read,
    });
  } finally {
    await floor.stop();
  }
}

const ms = (value: number) => value.toFixed(1).padStart(6);

function line(label: string, row: Row, sdk?: Row): string {
  const cpu = [
    row.cpuPerPayment === undefined ? '' : `${row.cpuPerPayment.toFixed(2)} ms CPU/payment`,
    row.statementsPerPayment === undefined
      ? ''
      : `${row.statementsPerPayment.toFixed(1)} statements/payment`,
  ]
    .filter(Boolean)
    .join(', ');
  const rates = row.open
    .map((r, i) => {
      const added = sdk ? ` (+${ms(r.p50 - sdk.open[i].p50)}/+${ms(r.p99 - sdk.open[i].p99)})` : '';
      return `${RATES[i]}/s: p50 ${ms(r.p50)} p99 ${ms(r.p99)}${added}${r.errors ? ` ${r.errors} errors` : ''}`;
    })
    .join('  ');
  return `  ${label.padEnd(14)}${fmt(row.closed)}  ${cpu}\n${' '.repeat(16)}open loop ${rates}`;
}

/** The headline figures for the runner: ceiling, cost, and what the service adds at each rate. */
function figures(row: Row, sdk?: Row): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {
    payments_per_s: row.closed.perSecond,
    cpu_ms_per_payment: row.cpuPerPayment,
    statements_per_payment: row.statementsPerPayment,
    errors: row.closed.errors + row.open.reduce((sum, r) => sum + r.errors, 0),
  };
  row.open.forEach((r, i) => {
    out[`p50_ms_at_${RATES[i]}`] = r.p50;
    out[`p99_ms_at_${RATES[i]}`] = r.p99;
    if (!sdk) return;
    out[`added_p50_ms_at_${RATES[i]}`] = r.p50 - sdk.open[i].p50;
    out[`added_p99_ms_at_${RATES[i]}`] = r.p99 - sdk.open[i].p99;
  });
  return out;
}

async function main(): Promise<void> {
  copyAssets();
  const builds: [string, string | undefined][] = [['this build', undefined]];
  if (BASELINE) builds.unshift(['baseline', BASELINE]);
  const emulator = await startEmulator();
  const folders: string[] = [];
  const databases: { drop(): Promise<void> }[] = [];
  /** A fresh database per build: two builds never share a data folder or a schema. */
  const freshDatabase = async (kind: string): Promise<Record<string, string>> => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-bench-'));
    folders.push(dataDir);
    if (kind === 'PGlite') return { DATA_DIR: dataDir };
    const postgres = await freshPostgres(process.env.DATABASE_URL ?? '');
    databases.push(postgres);
    return { DATABASE_URL: postgres.url, DATA_DIR: dataDir };
  };
  const kinds = (process.env.DATABASE_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite']).filter(
    (kind) => !ONLY || ONLY.includes(kind),
  );
  console.log(
    `create payment: closed loop with ${CONCURRENCY} callers for ${DURATION_MS / 1000} s after ` +
      `up to ${WARMUP} warm-up payments or ${WARMUP_MS / 1000} s, then open loop at ${RATES.join(', ')}/s (latency from each ` +
      "request's scheduled start; (+x/+y) is what the service adds to the SDK's p50/p99); CPU " +
      'per payment counts the service process until quiet, its notification included' +
      (BASELINE ? `; baseline: ${BASELINE}` : '') +
      '\n',
  );
  try {
    for (const kind of kinds) {
      console.log(`[${kind}]`);
      const sdk = await drive(emulator.url, sdkPay(emulator.url));
      console.log(line('SDK direct', sdk));
      emitResult('payments', kind, 'SDK direct', figures(sdk));
      const floor = await measureFloor(emulator.url, await freshDatabase(kind));
      console.log(line('floor', floor, sdk));
      emitResult('payments', kind, 'floor', figures(floor, sdk));
      for (const [label, root] of builds) {
        const row = await measure(emulator.url, await freshDatabase(kind), root);
        console.log(line(label, row, sdk));
        emitResult('payments', kind, label, figures(row, sdk));
      }
      console.log('');
    }
  } finally {
    await emulator.stop();
    for (const database of databases) await database.drop();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
