/**
 * The authenticated hot path alone: CPU per request of reads that authenticate a real service
 * token and resolve credentials (`GET /v1/credentials/default/public-key`), with no Mercado Pago
 * call, so what tokens and credentials cost (a database read and an unseal each, or a cache hit)
 * is most of what is measured. BENCH_BASELINE names another compiled tree to run side by side.
 * On PGlite and (with DATABASE_URL) PostgreSQL. Bounded in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  copyAssets,
  cpuMs,
  emitResult,
  fmt,
  freshPostgres,
  runLoad,
  serviceEnv,
  startEmulator,
  startService,
} from './bench-support';

const DURATION_MS = Number(process.env.BENCH_DURATION ?? 8) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ADMIN = `bench-admin-${randomUUID()}`;
const BASELINE = process.env.BENCH_BASELINE;

async function serviceToken(serviceUrl: string): Promise<string> {
  const res = await fetch(`${serviceUrl}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['payments:read'] }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

async function measure(emulatorUrl: string, database: Record<string, string>, root?: string) {
  const service = await startService({ ...serviceEnv(emulatorUrl, ADMIN), ...database }, root);
  try {
    const token = await serviceToken(service.url);
    const read = async () => {
      const res = await fetch(`${service.url}/v1/credentials/default/public-key`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      return res.status === 200;
    };
    await runLoad(4, 1000, read); // warm-up, not measured
    const before = cpuMs(service.pid) ?? 0;
    const load = await runLoad(CONCURRENCY, DURATION_MS, read);
    const cpu = (cpuMs(service.pid) ?? before) - before;
    return { load, cpuPerRequest: cpu / Math.max(1, load.requests) };
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  copyAssets();
  const builds: [string, string | undefined][] = [['this build', undefined]];
  if (BASELINE) builds.unshift(['baseline', BASELINE]);
  const emulator = await startEmulator();
  const cleanups: (() => Promise<void> | void)[] = [];
  const freshDatabase = async (kind: string): Promise<Record<string, string>> => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-bench-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    if (kind === 'PGlite') return { DATA_DIR: dataDir };
    const postgres = await freshPostgres(process.env.DATABASE_URL ?? '');
    cleanups.push(() => postgres.drop());
    return { DATABASE_URL: postgres.url, DATA_DIR: dataDir };
  };
  console.log(
    `authenticated read (GET /v1/credentials/default/public-key), ${CONCURRENCY} concurrent ` +
      `callers, ${DURATION_MS / 1000} s per run, loopback` +
      (BASELINE ? `; baseline: ${BASELINE}` : '') +
      '\n',
  );
  try {
    for (const kind of process.env.DATABASE_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite']) {
      console.log(`[${kind}]`);
      for (const [label, root] of builds) {
        const { load, cpuPerRequest } = await measure(
          emulator.url,
          await freshDatabase(kind),
          root,
        );
        console.log(
          `  ${label.padEnd(12)}: ${fmt(load)}  ${cpuPerRequest.toFixed(2)} ms CPU per request`,
        );
        emitResult('access', kind, label, {
          requests_per_s: load.perSecond,
          p99_ms: load.p99,
          cpu_ms_per_request: cpuPerRequest,
          errors: load.errors,
        });
      }
      console.log('');
    }
  } finally {
    await emulator.stop();
    for (const cleanup of cleanups) await cleanup();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
