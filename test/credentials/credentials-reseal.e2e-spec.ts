import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { WebhookEndpointsService } from '../../src/events/webhook-endpoints.service';
import { createEndpoint } from '../events/events.helper';
import { CacheInvalidation } from '../../src/cache/cache-invalidation';
import { CREDENTIALS_TOPIC } from '../../src/credentials/credentials.service';
import { bindingOf } from '../../src/credentials/sealed-columns';
import { SecretBox, keyIdOf } from '../../src/credentials/secret-box';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../../emulator/emulator.defaults';
import { TestDatabase, createTestDatabase } from '../support/test-db';
import { cardToken, chargesAt, paymentBody, postPayment } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createCredentials, sealUnbound } from './credentials.helper';

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
/** Two starts of the service and a run of the command: PGlite on a busy machine needs the time. */
const SLOW_MS = 180_000;

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

  it(
    'should move every secret onto the new key and keep them readable',
    async () => {
      const before = await startTestApp({
        testDatabase,
        env: { CREDENTIALS_ENCRYPTION_KEY: oldKey.toString('base64') },
      });
      expect(await keyIds(before)).toEqual([keyIdOf(oldKey), keyIdOf(oldKey)]);
      const endpoint = await createEndpoint(before, { url: 'http://127.0.0.1:9/events' });
      await before.close();

      const run = await reseal({
        ...testDatabase.env,
        CREDENTIALS_ENCRYPTION_KEY: newKey.toString('base64'),
        CREDENTIALS_PREVIOUS_ENCRYPTION_KEY: oldKey.toString('base64'),
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        resealed: 1,
        unchanged: 0,
        keyId: keyIdOf(newKey),
        webhook_endpoints: { resealed: 1, unchanged: 0 },
      });

      const after = await startTestApp({
        testDatabase,
        env: { CREDENTIALS_ENCRYPTION_KEY: newKey.toString('base64') },
      });
      try {
        expect(await keyIds(after)).toEqual([keyIdOf(newKey), keyIdOf(newKey)]);
        const usable = await after.app.get(CredentialsService).resolve();
        expect(usable.accessToken.reveal()).toBe(EMULATOR_DEFAULT_ACCESS_TOKEN);
        // The signing secret shown at creation, opened with the new key alone.
        const endpoints = after.app.get(WebhookEndpointsService);
        const signing = endpoints.signingSecrets(await endpoints.get(endpoint.id as string));
        expect(signing.map((secret) => secret.reveal())).toEqual([endpoint.secret]);
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
      expect(JSON.parse(again.stdout)).toMatchObject({
        resealed: 0,
        unchanged: 1,
        webhook_endpoints: { resealed: 0, unchanged: 1 },
      });
    },
    SLOW_MS,
  );

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

describe('Secrets bound to their row and column', () => {
  const sealKey = key();
  const env = { CREDENTIALS_ENCRYPTION_KEY: sealKey.toString('base64') };

  async function sealedAccessToken(t: TestApp, id: string): Promise<Buffer> {
    const result = await t.database.db.execute(
      sql`SELECT access_token_sealed FROM credentials WHERE id = ${id}`,
    );
    const rows = (result as { rows: { access_token_sealed: Uint8Array }[] }).rows;
    return Buffer.from(rows[0].access_token_sealed);
  }

  it('should not open an access token copied into another row: nothing is charged', async () => {
    const t = await startTestApp({ env });
    try {
      const source = await t.app.get(CredentialsService).resolve();
      const { id: targetId, account } = await createCredentials(t, 'copy-target');
      const copied = await sealedAccessToken(t, source.id);
      await t.database.db.execute(
        sql`UPDATE credentials SET access_token_sealed = ${copied} WHERE id = ${targetId}`,
      );
      await t.app.get(CacheInvalidation).publish(CREDENTIALS_TOPIC);

      const card = await cardToken(t, 'APRO', undefined, account.public_key);
      const body = paymentBody(card, { credential_id: targetId, external_reference: 'copied' });
      const res = await postPayment(t, body);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('INTERNAL_ERROR');
      expect(await chargesAt(t, 'copied')).toBe(0);
    } finally {
      await t.close();
    }
  });

  it(
    'should read values sealed before bindings existed, and bind them on re-seal',
    async () => {
      const testDatabase = await createTestDatabase();
      try {
        const before = await startTestApp({ testDatabase, env });
        const { id } = await before.app.get(CredentialsService).resolve();
        // As an earlier version stored it: no additional data.
        const legacy = sealUnbound(sealKey, EMULATOR_DEFAULT_ACCESS_TOKEN);
        await before.database.db.execute(
          sql`UPDATE credentials SET access_token_sealed = ${legacy} WHERE id = ${id}`,
        );
        await before.app.get(CacheInvalidation).publish(CREDENTIALS_TOPIC);
        const usable = await before.app.get(CredentialsService).resolve();
        expect(usable.accessToken.reveal()).toBe(EMULATOR_DEFAULT_ACCESS_TOKEN);
        await before.close();

        const run = await reseal({ ...testDatabase.env, ...env });
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout)).toMatchObject({ resealed: 1 });

        const after = await startTestApp({ testDatabase, env });
        try {
          const blob = await sealedAccessToken(after, id);
          const opened = new SecretBox(sealKey).openBound(
            { blob, keyId: keyIdOf(sealKey) },
            bindingOf(id, 'accessToken'),
          );
          expect(opened).toMatchObject({ bound: true });
          expect(opened.secret.reveal()).toBe(EMULATOR_DEFAULT_ACCESS_TOKEN);
          const audit = await after
            .http()
            .get(`/v1/credentials/${id}/audit`)
            .set(bearer(after.adminToken))
            .expect(200);
          expect(audit.body.data[0]).toMatchObject({
            action: 'resealed',
            fields: ['access_token'],
          });
        } finally {
          await after.close();
        }
      } finally {
        await testDatabase.drop();
      }
    },
    SLOW_MS,
  );
});
