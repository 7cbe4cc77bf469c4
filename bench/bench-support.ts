/** Shared by the benchmarks: child processes for the emulator and the service, and a load loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../emulator/emulator.defaults';
import { makePgliteImage } from '../src/database/database';

export const DIST = path.join(__dirname, '..');

/**
 * tsc does not copy what nest-cli.json's assets copy into dist/: the SQL migrations, the sandbox
 * page and the emulator's stand-in MercadoPago.js (read when the emulator starts).
 */
export function copyAssets(): void {
  for (const folder of ['src/database/migrations', 'src/sandbox/public', 'emulator/public']) {
    cpSync(path.join(DIST, '..', folder), path.join(DIST, folder), { recursive: true });
  }
}

/** The migrations, and the PGlite image a first start copies (made by `npm run build` in dist/). */
export async function prepareDistBench(): Promise<void> {
  copyAssets();
  await makePgliteImage();
}

export interface Child {
  url: string;
  pid: number;
  /** Resolves once the process is gone: SIGTERM shuts it down, SIGKILL is a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Node flags for the measured processes, e.g. `--cpu-prof` to see where their time goes. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Starts a compiled entry point and resolves with the URL it prints (or the given one). */
export function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  url: (match: RegExpExecArray) => string,
  root = DIST,
  nodeArgs: string[] = [],
): Promise<Child> {
  const args = [...NODE_ARGS, ...nodeArgs, path.join(root, entry)];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      const match = ready.exec(seen);
      if (!match) return;
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({
        url: url(match),
        pid: child.pid ?? 0,
        stop: (signal = 'SIGTERM') =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill(signal);
          }),
      });
    });
  });
}

export interface LoadResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

function summarise(latencies: number[], errors: number, started: number): LoadResult {
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/**
 * A closed loop: `concurrency` workers each send one request after another until the time is
 * up or `maxRequests` were sent; `call` returns false for a failed request. Latencies in ms.
 */
export async function runLoad(
  concurrency: number,
  durationMs: number,
  call: (i: number) => Promise<boolean>,
  maxRequests = Infinity,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && next < maxRequests) {
        const t0 = performance.now();
        const ok = await call(next++).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  return summarise(latencies, errors, started);
}

/**
 * An open loop: `rate` requests per second on a fixed schedule whatever the answers take, as
 * independent callers send them; latency counts from each request's scheduled start, so a
 * backlog shows as latency rather than as a slower rate.
 */
export async function runRate(
  rate: number,
  durationMs: number,
  call: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round((rate * durationMs) / 1000);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = started + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      call(i)
        .catch(() => false)
        .then((ok) => {
          latencies.push(performance.now() - scheduled);
          if (!ok) errors++;
        }),
    );
  }
  await Promise.all(inFlight);
  return summarise(latencies, errors, started);
}

export const fmt = (r: LoadResult) =>
  `${r.perSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99
    .toFixed(1)
    .padStart(7)} ms  (${r.requests} requests, ${r.errors} errors)`;

/** The compiled emulator in its own process, retries scaled down so notifications come quickly. */
export function startEmulator(timeScale = '0.001'): Promise<Child> {
  return startProcess(
    'emulator/main.js',
    { EMULATOR_PORT: '0', EMULATOR_TIME_SCALE: timeScale },
    /listening on (http:\/\/\S+)/,
    (match) => match[1],
  );
}

/** The service's settings for the emulator's default account; a database setting goes on top. */
export function serviceEnv(emulatorUrl: string, adminToken: string): Record<string, string> {
  return {
    NODE_ENV: 'development',
    // Benches and the chaos suite read the service's JSON log lines.
    LOG_FORMAT: 'json',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: adminToken,
    MERCADOPAGO_API_URL: emulatorUrl,
    MERCADOPAGO_ACCESS_TOKEN: EMULATOR_DEFAULT_ACCESS_TOKEN,
    MERCADOPAGO_PUBLIC_KEY: EMULATOR_DEFAULT_PUBLIC_KEY,
    MERCADOPAGO_WEBHOOK_SECRET: EMULATOR_DEFAULT_WEBHOOK_SECRET,
    CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
}

/** Node's flags for the service, read from `npm start` so the benches run it as users do. */
const SERVICE_NODE_ARGS = (
  JSON.parse(readFileSync(path.join(DIST, '..', 'package.json'), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start
  .split(' ')
  .filter((arg) => arg.startsWith('--'));

/**
 * The compiled service (from `root`, another compiled tree for a before/after run); resolves with
 * its URL once it listens.
 */
export function startService(
  env: Record<string, string>,
  root = DIST,
  nodeArgs: string[] = [],
  entry = 'src/main.js',
): Promise<Child> {
  return startProcess(
    entry,
    env,
    /"msg":"Listening on (http:\/\/[^"]+)"/,
    (match) => match[1],
    root,
    [...SERVICE_NODE_ARGS, ...nodeArgs],
  );
}

/**
 * bench/floor-service.ts (the least a relay can do: see there) with the service's settings and a
 * database setting on top; resolves with its URL once it listens.
 */
export function startFloor(env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  return startProcess(
    'bench/floor-service.js',
    env,
    /floor listening on (http:\/\/\S+)/,
    (match) => match[1],
    DIST,
    nodeArgs,
  );
}

/**
 * Counts the statements a service sends to PostgreSQL (bench/query-counter.ts): its node flags
 * and environment, and a reader of the running total.
 */
export function queryCounter(): {
  nodeArgs: string[];
  env: Record<string, string>;
  read(): number;
} {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mp-queries-')), 'count');
  return {
    nodeArgs: ['--require', path.join(DIST, 'bench', 'query-counter.js')],
    env: { QUERY_COUNT_FILE: file },
    read: () => {
      try {
        return Number(readFileSync(file, 'utf8'));
      } catch {
        return 0;
      }
    },
  };
}

export const TEST_PAYER = {
  email: 'test@testuser.com',
  identification: { type: 'CPF', number: '12345678909' },
};

/** A single-use card token for the emulator's MLB test Mastercard; the name picks the outcome. */
export async function createCardToken(emulatorUrl: string, cardholder = 'APRO'): Promise<string> {
  const res = await fetch(
    `${emulatorUrl}/v1/card_tokens?public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        card_number: '5031433215406351',
        security_code: '123',
        expiration_month: 11,
        expiration_year: 2030,
        cardholder: { name: cardholder, identification: TEST_PAYER.identification },
      }),
    },
  );
  return ((await res.json()) as { id: string }).id;
}

/** A loopback port free right now, for a service that must come back where it was. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * CPU time a process used, in ms (Linux /proc; clock ticks are 10 ms). The load generator and
 * other work share this machine's cores, so work per CPU-second of the process under test is the
 * steadier figure. null once the process is gone.
 */
export function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * The process's CPU time once it has gone quiet, i.e. once the notifications that follow the
 * payments were processed too (at most `maxMs`).
 */
export async function quietCpuMs(pid: number, maxMs = 10_000): Promise<number> {
  let last = cpuMs(pid) ?? 0;
  for (let i = 0; i < maxMs / 250; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuMs(pid) ?? last;
    if (now - last <= 10) return now;
    last = now;
  }
  return last;
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(statement);
  await client.end();
}

/** A new, empty database next to the one DATABASE_URL names, so a run never touches that one. */
export async function freshPostgres(
  url: string,
  prefix = 'mp_bench',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}`;
  await admin(url, `CREATE DATABASE ${name}`);
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Marks the line `npm run bench` (bench/all.ts) collects; every bench prints its own lines too. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/**
 * One measured row as a machine-readable line, for the runner's table. `db` is the database (or
 * the case), `build` the build or the variant measured; NaN and undefined figures come out empty.
 */
export function emitResult(
  bench: string,
  db: string,
  build: string,
  figures: Record<string, number | undefined>,
): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify({ bench, db, build, figures })}`);
}
