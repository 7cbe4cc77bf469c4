/**
 * Cold start and idle memory of the service: time from spawn to listening, then resident memory
 * (VmRSS) once idle and its peak (VmHWM), read from /proc like `/usr/bin/time -v` reports them.
 * First start on an empty PGlite folder, a restart on it, and PostgreSQL when DATABASE_URL is set.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyMigrations, freshPostgres, startProcess } from './bench-support';

const IDLE_MS = 3000;

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function measure(label: string, env: Record<string, string>): Promise<void> {
  const started = performance.now();
  const service = await startProcess(
    'src/main.js',
    { NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'x'.repeat(32), ...env },
    /"msg":"Listening on (http:\/\/[^"]+)"/,
    (match) => match[1],
  );
  const ready = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const { rss, peak } = memory(service.pid);
  await service.stop();
  console.log(
    `${label.padEnd(34)} listening after ${(ready / 1000).toFixed(2)} s; idle RSS ${rss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB`,
  );
}

async function main(): Promise<void> {
  copyMigrations();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-startup-'));
  try {
    await measure('PGlite, empty data folder', { DATA_DIR: dataDir, EMULATOR_PORT: '0' });
    await measure('PGlite, restart on that folder', { DATA_DIR: dataDir, EMULATOR_PORT: '0' });
    if (process.env.DATABASE_URL) {
      const database = await freshPostgres(process.env.DATABASE_URL);
      await measure('PostgreSQL (DATABASE_URL)', {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        EMULATOR_PORT: '0',
      });
      await database.drop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
