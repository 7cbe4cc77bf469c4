/**
 * Cold start and idle memory of the service as production runs it (NODE_ENV=production, Mercado
 * Pago at a URL: the emulator in its own process): time from spawn until /health/ready answers
 * 200, the CPU the process spent until then (its own counters: the cores are shared), then
 * resident memory (VmRSS) once idle and its peak (VmHWM), read from /proc like `/usr/bin/time -v`.
 * Each case runs BENCH_RUNS times (default 3) and prints medians: a first start on an empty PGlite
 * folder, a restart on it, and PostgreSQL when DATABASE_URL is set. It starts what `npm start`
 * does, the bundle `npm run build` makes (dist/main.js). BENCH_BASELINE names another built tree
 * (e.g. `/tmp/base/dist`; its dist/src/main.js when it has no bundle) measured alternately in the
 * same run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DIST,
  copyAssets,
  cpuMs,
  emitResult,
  freshPostgres,
  startEmulator,
  startService,
  type Child,
} from './bench-support';

const IDLE_MS = 3000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BASELINE = process.env.BENCH_BASELINE;
/** This tree's build (`npm run build`), as `npm start` runs it. */
const BUILT = path.join(DIST, '..', 'dist');
const entryOf = (root: string) =>
  existsSync(path.join(root, 'main.js')) ? 'main.js' : path.join('src', 'main.js');

interface Sample {
  readyMs: number;
  cpuMs: number;
  rss: number;
  peak: number;
}

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function untilReady(service: Child): Promise<void> {
  for (;;) {
    const answer = await fetch(`${service.url}/health/ready`).catch(() => undefined);
    if (answer?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function sample(env: Record<string, string>, root: string): Promise<Sample> {
  const started = performance.now();
  const service = await startService(env, root, [], entryOf(root));
  try {
    await untilReady(service);
    const readyMs = performance.now() - started;
    const cpu = cpuMs(service.pid) ?? NaN;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { readyMs, cpuMs: cpu, ...memory(service.pid) };
  } finally {
    await service.stop();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function report(scenario: string, label: string, samples: Sample[]): void {
  const m = (pick: (s: Sample) => number) => median(samples.map(pick));
  console.log(
    `  ${label.padEnd(12)} ready after ${(m((s) => s.readyMs) / 1000).toFixed(2)} s, ` +
      `${m((s) => s.cpuMs)
        .toFixed(0)
        .padStart(5)} ms CPU; idle RSS ${m((s) => s.rss).toFixed(0)} MiB, ` +
      `peak ${m((s) => s.peak).toFixed(0)} MiB  (median of ${samples.length}; ready ` +
      `${samples.map((s) => (s.readyMs / 1000).toFixed(2)).join(' ')} s)`,
  );
  emitResult('startup', scenario, label, {
    ready_s: m((s) => s.readyMs) / 1000,
    cpu_ms_to_ready: m((s) => s.cpuMs),
    idle_rss_mib: m((s) => s.rss),
    peak_rss_mib: m((s) => s.peak),
  });
}

async function main(): Promise<void> {
  copyAssets();
  const builds: [string, string][] = [['this build', BUILT]];
  if (BASELINE) builds.unshift(['baseline', BASELINE]);
  const emulator = await startEmulator();
  const base = {
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: 'x'.repeat(32),
    MERCADOPAGO_API_URL: emulator.url,
    CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  console.log(
    `start-up as in production, ${RUNS} runs per case, ${IDLE_MS / 1000} s idle before reading memory` +
      (BASELINE ? `; baseline: ${BASELINE}` : '') +
      '\n',
  );
  const results = new Map<string, Sample[]>();
  const add = (key: string, s: Sample) => results.set(key, [...(results.get(key) ?? []), s]);
  try {
    for (let run = 0; run < RUNS; run++) {
      // Builds alternate within a run, so a busy moment on the shared cores hits both alike.
      for (const [label, root] of builds) {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-startup-'));
        try {
          const pglite = { ...base, DATA_DIR: dataDir };
          add(`PGlite, empty data folder|${label}`, await sample(pglite, root));
          add(`PGlite, restart on that folder|${label}`, await sample(pglite, root));
          if (process.env.DATABASE_URL) {
            const database = await freshPostgres(process.env.DATABASE_URL);
            const postgres = { ...pglite, DATABASE_URL: database.url };
            try {
              add(`PostgreSQL, empty database|${label}`, await sample(postgres, root));
              add(`PostgreSQL, restart|${label}`, await sample(postgres, root));
            } finally {
              await database.drop();
            }
          }
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await emulator.stop();
  }
  for (const scenario of new Set([...results.keys()].map((key) => key.split('|')[0]))) {
    console.log(`[${scenario}]`);
    for (const [label] of builds)
      report(scenario, label, results.get(`${scenario}|${label}`) ?? []);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
