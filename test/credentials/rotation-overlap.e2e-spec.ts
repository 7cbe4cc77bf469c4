import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { CacheInvalidation } from '../../src/cache/cache-invalidation';
import { CREDENTIALS_TOPIC, CredentialsService } from '../../src/credentials/credentials.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createBody, registerAccount, webhookSecret } from './credentials.helper';

/** Creates credentials, rotates their webhook secret; returns both secrets and the id. */
async function createAndRotate(t: TestApp) {
  const account = await registerAccount(t);
  const created = await t
    .http()
    .post('/v1/credentials')
    .set(bearer(t.adminToken))
    .send(createBody(account, 'rotating'))
    .expect(201);
  const id = (created.body as { id: string }).id;
  const next = webhookSecret();
  await t
    .http()
    .post(`/v1/credentials/${id}/rotate`)
    .set(bearer(t.adminToken))
    .send({ webhook_secret: next })
    .expect(200);
  return { id, previous: account.webhook_secret, next };
}

const reveal = (secrets: { reveal(): string }[] | undefined) => secrets?.map((s) => s.reveal());

describe('Webhook secret rotation overlap', () => {
  it('should accept both secrets during the overlap, then only the new one', async () => {
    const t = await startTestApp({ env: { CREDENTIALS_ROTATION_OVERLAP_HOURS: '12' } });
    try {
      const service = t.app.get(CredentialsService);
      const { id, previous, next } = await createAndRotate(t);
      expect(reveal(await service.webhookSecrets(id))).toEqual([next, previous]);

      // The overlap ends: the stored expiry passes (moved rather than waited for).
      await t.database.db.execute(
        sql`UPDATE credentials SET previous_webhook_secret_expires_at = now() - interval '1 second' WHERE id = ${id}`,
      );
      // Written behind the service's back: announced as the service's own changes are.
      await t.app.get(CacheInvalidation).publish(CREDENTIALS_TOPIC);
      expect(reveal(await service.webhookSecrets(id))).toEqual([next]);
    } finally {
      await t.close();
    }
  });

  it('should drop the old secret at once when the overlap is 0 hours', async () => {
    const t = await startTestApp({ env: { CREDENTIALS_ROTATION_OVERLAP_HOURS: '0' } });
    try {
      const service = t.app.get(CredentialsService);
      const { id, next } = await createAndRotate(t);
      expect(reveal(await service.webhookSecrets(id))).toEqual([next]);
      expect(await service.webhookSecrets(randomUUID())).toBeUndefined();
      expect(await service.webhookSecrets('not-a-uuid')).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
