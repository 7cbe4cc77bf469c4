import { Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { MercadoPagoEndpoint } from '../../src/mercadopago/mercadopago-endpoint';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../../emulator/emulator.defaults';
import { createTestDatabase } from '../support/test-db';
import { bearer, startTestApp } from '../support/test-app';
import { postWebhook, signedHeaders } from '../webhooks/webhooks.helper';
import { accessToken, createCredentials, publicKey, webhookSecret } from './credentials.helper';

interface Listed {
  id: string;
  name: string;
  is_default: boolean;
  site_id: string;
  mode: string;
}

describe('Credentials at start', () => {
  it('should create the emulator sandbox default with zero settings, logging no secret', async () => {
    const t = await startTestApp();
    try {
      const list = await t.http().get('/v1/credentials').set(bearer(t.adminToken)).expect(200);
      expect((list.body as { data: Listed[] }).data).toEqual([
        expect.objectContaining({
          name: 'emulator-sandbox',
          is_default: true,
          site_id: 'MLB',
          mode: 'sandbox',
        }),
      ]);
      const logs = t.logs.join('\n');
      expect(logs).toContain('Default Mercado Pago credentials: \\"emulator-sandbox\\"');
      expect(logs).not.toContain(EMULATOR_DEFAULT_ACCESS_TOKEN);
      expect(logs).not.toContain(EMULATOR_DEFAULT_WEBHOOK_SECRET);
    } finally {
      await t.close();
    }
  });

  it('should create the default from MERCADOPAGO_* and update it when they change', async () => {
    const testDatabase = await createTestDatabase();
    const seed = {
      MERCADOPAGO_ACCESS_TOKEN: accessToken(),
      MERCADOPAGO_PUBLIC_KEY: publicKey(),
      MERCADOPAGO_WEBHOOK_SECRET: webhookSecret(),
    };
    const first = await startTestApp({ testDatabase, env: seed });
    const created = (
      (await first.http().get('/v1/credentials').set(bearer(first.adminToken))).body as {
        data: Listed[];
      }
    ).data;
    expect(created).toEqual([
      expect.objectContaining({ name: 'env-default', is_default: true, site_id: 'MLB' }),
    ]);
    await first.close();

    const renewed = { ...seed, MERCADOPAGO_WEBHOOK_SECRET: webhookSecret() };
    const second = await startTestApp({ testDatabase, env: renewed });
    try {
      const service = second.app.get(CredentialsService);
      const usable = await service.resolve();
      expect(usable.id).toBe(created[0].id);
      expect(usable.accessToken.reveal()).toBe(seed.MERCADOPAGO_ACCESS_TOKEN);
      expect((await service.webhookSecrets(usable.id))?.map((s) => s.reveal())).toEqual([
        renewed.MERCADOPAGO_WEBHOOK_SECRET,
        seed.MERCADOPAGO_WEBHOOK_SECRET,
      ]);
      const audit = await second
        .http()
        .get(`/v1/credentials/${usable.id}/audit`)
        .set(bearer(second.adminToken))
        .expect(200);
      expect(
        (audit.body as { data: { action: string; actor_name: string; fields: string[] }[] }).data,
      ).toEqual([
        expect.objectContaining({
          action: 'updated',
          actor_name: 'system',
          fields: ['webhook_secret'],
        }),
        expect.objectContaining({ action: 'created', actor_name: 'system' }),
      ]);
      const logs = [...first.logs, ...second.logs].join('\n');
      expect(logs).not.toContain(seed.MERCADOPAGO_ACCESS_TOKEN);
      expect(logs).not.toContain(seed.MERCADOPAGO_WEBHOOK_SECRET);
      expect(logs).not.toContain(renewed.MERCADOPAGO_WEBHOOK_SECRET);
    } finally {
      await second.close();
      await testDatabase.drop();
    }
  });

  it('should refuse sandbox credentials for payments in production unless allowed', async () => {
    // A production service needs a remote Mercado Pago: another app's emulator plays it.
    const host = await startTestApp();
    const production = {
      NODE_ENV: 'production',
      MERCADOPAGO_API_URL: host.app.get(MercadoPagoEndpoint).baseUrl,
      CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MERCADOPAGO_ACCESS_TOKEN: EMULATOR_DEFAULT_ACCESS_TOKEN,
      MERCADOPAGO_PUBLIC_KEY: 'TEST-00000000-0000-4000-8000-000000000001',
    };
    const refusing = await startTestApp({ env: production });
    const allowing = await startTestApp({
      env: { ...production, ALLOW_SANDBOX_CREDENTIALS_IN_PRODUCTION: 'true' },
    });
    try {
      await expect(refusing.app.get(CredentialsService).resolve()).rejects.toMatchObject({
        code: 'CREDENTIAL_SANDBOX_IN_PRODUCTION',
        status: 422,
      });
      const response = await refusing
        .http()
        .get('/v1/credentials/default/public-key')
        .set(bearer(refusing.adminToken))
        .expect(422);
      expect((response.body as { error: { code: string } }).error.code).toBe(
        'CREDENTIAL_SANDBOX_IN_PRODUCTION',
      );
      const usable = await allowing.app.get(CredentialsService).resolve();
      expect(usable).toMatchObject({ mode: 'sandbox', liveMode: false });
    } finally {
      await allowing.close();
      await refusing.close();
      await host.close();
    }
  });

  it('should warn at start about production credentials without a webhook secret', async () => {
    const testDatabase = await createTestDatabase();
    const before = await startTestApp({ testDatabase });
    let id: string;
    try {
      ({ id } = await createCredentials(before, 'live-unsigned', { prefix: 'APP_USR' }));
      // As stored before a webhook secret was required.
      await before.database.db.execute(
        sql`UPDATE credentials SET webhook_secret_sealed = NULL, webhook_secret_key_id = NULL WHERE id = ${id}`,
      );
    } finally {
      await before.close();
    }

    // Nest's static logger may still write to an earlier app's log in this process: watch the call.
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await startTestApp({ testDatabase });
    try {
      const warnings = warn.mock.calls.map(([message]) => String(message));
      expect(warnings).toContainEqual(expect.stringContaining(`(${id}) hold no webhook secret`));
      // What it warns about: no notification can be verified.
      await postWebhook(t, id, '123', signedHeaders('123')).expect(401);
    } finally {
      warn.mockRestore();
      await t.close();
      await testDatabase.drop();
    }
  }, 180_000);
});
