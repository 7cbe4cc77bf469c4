/** Shared by the benchmarks: child processes for the emulator and the service, and a load loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export const DIST = path.join(__dirname, '..');

/** tsc does not copy the SQL migrations next to the compiled service. */
export function copyMigrations(): void {
  cpSync(
    path.join(DIST, '..', 'src', 'database', 'migrations'),
    path.join(DIST, 'src', 'database', 'migrations'),
    { recursive: true },
  );
}

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a compiled entry point and resolves with the URL it prints (or the given one). */
export function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  url: (match: RegExpExecArray) => string,
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [path.join(DIST, entry)], {
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
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
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

export const fmt = (r: LoadResult) =>
  `${r.perSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99
    .toFixed(1)
    .padStart(7)} ms  (${r.requests} requests, ${r.errors} errors)`;

async function admin(url: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(statement);
  await client.end();
}

/** A new, empty database next to the one DATABASE_URL names, so a run never touches that one. */
export async function freshPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mp_bench_${Date.now()}`;
  await admin(url, `CREATE DATABASE ${name}`);
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
