import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Database } from '../../src/database/database';
import { TEST_DB, createTestDatabase } from '../support/test-db';
import { startTestApp } from '../support/test-app';

/** What `npm start` runs: the bundle `npm run build` makes. */
const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

interface Run {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** The built service as a real process (npm test builds it first). */
function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [MAIN], {
    // EMULATOR_PORT=0: the embedded emulator's default port would clash with another spec's.
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      EMULATOR_PORT: '0',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

function waitForOutput(r: Run, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => pattern.test(r.output().stdout) && resolve();
    r.child.stdout?.on('data', check);
    void r.exited.then(() => reject(new Error(`exited before ${pattern}: ${r.output().stderr}`)));
    check();
  });
}

describe('The service process', () => {
  it('should stop with a non-zero status and one line naming a bad setting', async () => {
    const r = run({ PORT: 'not-a-port', DATA_DIR: '/tmp/unused' });
    expect(await r.exited).toBe(1);
    expect(r.output().stderr.trim()).toMatch(/^Cannot start: Invalid setting PORT: .+$/);
  });

  it('should refuse production without an encryption key', async () => {
    const r = run({ NODE_ENV: 'production', DATABASE_URL: 'postgres://localhost/x' });
    expect(await r.exited).toBe(1);
    expect(r.output().stderr).toContain('CREDENTIALS_ENCRYPTION_KEY');
  });

  it('should apply migrations again without harm', async () => {
    const db = await createTestDatabase();
    const target =
      TEST_DB === 'pglite'
        ? { kind: 'pglite' as const, dataDir: db.env.DATA_DIR }
        : { kind: 'postgres' as const, url: db.env.DATABASE_URL };
    for (let i = 0; i < 2; i++) {
      const database = await Database.open(target);
      expect(await database.isReady()).toEqual({ reachable: true, migrated: true });
      await database.close();
    }
    await db.drop();
  });

  it('should print readable lines and a banner with /docs and a first admin token, once', async () => {
    const db = await createTestDatabase();
    const first = run({ ...db.env, NODE_ENV: 'development' });
    await waitForOutput(first, /Swagger UI: .+\n(.+\n)+\n/);
    const { stdout } = first.output();
    const port = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
    expect(stdout).toContain(`Swagger UI: http://127.0.0.1:${port}/docs`);
    const token = /^\s+(mpsvc_\S+)$/m.exec(stdout)?.[1];
    expect(token).toBeDefined();
    expect(stdout.split('\n').filter((line) => line.includes(token!))).toHaveLength(1);
    expect(stdout).toMatch(/^\[[\d:.]+\] INFO: \[Main\] Listening on /m);
    expect(stdout).not.toMatch(/^\{/m);
    expect(stdout).not.toMatch(/RoutesResolver|RouterExplorer|Mapped \{/);

    first.child.kill('SIGTERM');
    await first.exited;
    const second = run({ ...db.env, NODE_ENV: 'development' });
    await waitForOutput(second, /npm run token:create/);
    expect(second.output().stdout).not.toContain('mpsvc_');
    second.child.kill('SIGTERM');
    await second.exited;
    await db.drop();
  });

  it('should stop with one line naming PORT when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    const db = await createTestDatabase();
    const r = run({ ...db.env, PORT: String(port), ADMIN_TOKEN: 'a'.repeat(32) });
    expect(await r.exited).toBe(1);
    expect(r.output().stderr).toBe(
      `Cannot start: Port ${port} is already in use (PORT): stop what holds it or set another PORT\n`,
    );
    holder.close();
    await db.drop();
  });

  it('should stop with one line naming DATABASE_URL when PostgreSQL cannot be reached', async () => {
    const r = run({
      DATABASE_URL: 'postgres://user:hunter2@127.0.0.1:1/payments',
      DATA_DIR: '/tmp/unused',
    });
    expect(await r.exited).toBe(1);
    expect(r.output().stderr).toBe(
      'Cannot start: Cannot reach PostgreSQL at 127.0.0.1:1/payments (ECONNREFUSED): start it or fix DATABASE_URL\n',
    );
  });

  if (TEST_DB === 'postgres') {
    it('should stop with one line naming DATABASE_URL when the database does not exist', async () => {
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = '/mp_no_such_database';
      const r = run({ DATABASE_URL: url.toString(), DATA_DIR: '/tmp/unused' });
      expect(await r.exited).toBe(1);
      expect(r.output().stderr).toMatch(
        /^Cannot start: The database .+\/mp_no_such_database does not exist: create it or fix DATABASE_URL\n$/,
      );
    });
  }

  it('should close the database and release the data folder on SIGTERM', async () => {
    const db = await createTestDatabase();
    const r = run({ ...db.env, ADMIN_TOKEN: 'a'.repeat(32) });
    await waitForOutput(r, /Nest application successfully started/);
    r.child.kill('SIGTERM');
    // Nest re-raises SIGTERM after its shutdown hooks, so the process ends by that signal.
    await r.exited;
    expect(r.child.signalCode ?? r.child.exitCode).toBe('SIGTERM');
    if (TEST_DB === 'pglite') expect(existsSync(join(db.env.DATA_DIR, 'pglite.pid'))).toBe(false);
    await db.drop();
  });

  if (TEST_DB === 'pglite') {
    it('should come up ready on an empty data folder from the image the build made', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mp-empty-'));
      const r = run({ DATA_DIR: dataDir, ADMIN_TOKEN: 'a'.repeat(32) });
      await waitForOutput(r, /"msg":"Listening on (http:\/\/\S+)"/);
      const url = /"msg":"Listening on (http:\/\/[^"]+)"/.exec(r.output().stdout)![1];
      expect(r.output().stdout).toContain('(new, copied from the migrated image)');
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      r.child.kill('SIGTERM');
      await r.exited;
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('should refuse to open a PGlite folder another process holds', async () => {
      const holder = await startTestApp();
      const r = run({ ...holder.testDatabase.env, ADMIN_TOKEN: 'a'.repeat(32) });
      expect(await r.exited).toBe(1);
      expect(r.output().stderr).toMatch(
        /^Cannot start: The data folder is in use by process \d+ .+ DATA_DIR .+\n$/,
      );
      await holder.close();
    });
  }
});
