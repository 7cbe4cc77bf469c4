import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { keyIdOf } from '../../src/credentials/secret-box';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../../emulator/emulator.defaults';
import { TestDatabase, createTestDatabase } from '../support/test-db';
import { TestApp, bearer, startTestApp } from '../support/test-app';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'credentials', 'credentials-reseal.cli.js');

/** The built command as ops run it (npm test builds first). */
function reseal(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const key = () => randomBytes(32);

async function keyIds(t: TestApp): Promise<string[]> {
  const result = await t.database.db.execute(
    sql`SELECT access_token_key_id, webhook_secret_key_id FROM credentials`,
  );
  return (result as { rows: Record<string, string>[] }).rows.flatMap((row) => Object.values(row));
}

describe('Re-sealing credentials under a new key', () => {
  let testDatabase: TestDatabase;
  const oldKey = key();
  const newKey = key();

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
  });

  afterAll(async () => {
    await testDatabase.drop();
  });

  it('should move every secret onto the new key and keep them readable', async () => {
    const before = await startTestApp({
      testDatabase,
      env: { CREDENTIALS_ENCRYPTION_KEY: oldKey.toString('base64') },
    });
    expect(await keyIds(before)).toEqual([keyIdOf(oldKey), keyIdOf(oldKey)]);
    await before.close();

    const run = await reseal({
      ...testDatabase.env,
      CREDENTIALS_ENCRYPTION_KEY: newKey.toString('base64'),
      CREDENTIALS_PREVIOUS_ENCRYPTION_KEY: oldKey.toString('base64'),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ resealed: 1, unchanged: 0, keyId: keyIdOf(newKey) });

    const after = await startTestApp({
      testDatabase,
      env: { CREDENTIALS_ENCRYPTION_KEY: newKey.toString('base64') },
    });
    try {
      expect(await keyIds(after)).toEqual([keyIdOf(newKey), keyIdOf(newKey)]);
      const usable = await after.app.get(CredentialsService).resolve();
      expect(usable.accessToken.reveal()).toBe(EMULATOR_DEFAULT_ACCESS_TOKEN);
      const audit = await after
        .http()
        .get(`/v1/credentials/${usable.id}/audit`)
        .set(bearer(after.adminToken))
        .expect(200);
      expect(
        (audit.body as { data: { action: string; fields: string[] }[] }).data[0],
      ).toMatchObject({ action: 'resealed', fields: ['access_token', 'webhook_secret'] });
    } finally {
      await after.close();
    }

    const again = await reseal({
      ...testDatabase.env,
      CREDENTIALS_ENCRYPTION_KEY: newKey.toString('base64'),
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ resealed: 0, unchanged: 1 });
  });

  it('should stop with one clear line when a row is sealed under a key it was not given', async () => {
    const stranger = key();
    const run = await reseal({
      ...testDatabase.env,
      CREDENTIALS_ENCRYPTION_KEY: stranger.toString('base64'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `A secret is sealed under key ${keyIdOf(newKey)}, which is neither ` +
        'CREDENTIALS_ENCRYPTION_KEY nor CREDENTIALS_PREVIOUS_ENCRYPTION_KEY',
    );
  });
});
