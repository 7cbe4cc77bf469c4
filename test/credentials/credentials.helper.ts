import { sql } from 'drizzle-orm';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { MercadoPagoEndpoint } from '../../src/mercadopago/mercadopago-endpoint';
import type { TestApp } from '../support/test-app';

export type Prefix = 'TEST' | 'APP_USR';

/** A fresh access token in Mercado Pago's shape, ending with the seller's user id. */
export function accessToken(prefix: Prefix = 'TEST', userId = 3_000_000_000 + randomInt()): string {
  return `${prefix}-${randomDigits(16)}-010203-${randomBytes(16).toString('hex')}-${userId}`;
}

export const publicKey = (prefix: Prefix = 'TEST') => `${prefix}-${randomUUID()}`;
export const webhookSecret = () => randomBytes(32).toString('hex');

const randomInt = () => randomBytes(3).readUIntBE(0, 3);
const randomDigits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

export interface Account {
  access_token: string;
  public_key: string;
  webhook_secret: string;
  site_id: string;
}

/** Registers an application in this test app's embedded emulator (its control API). */
export async function registerAccount(
  t: TestApp,
  overrides: Partial<Account> & { prefix?: Prefix } = {},
): Promise<Account> {
  const { prefix = 'TEST', ...rest } = overrides;
  const account: Account = {
    access_token: accessToken(prefix),
    public_key: publicKey(prefix),
    webhook_secret: webhookSecret(),
    site_id: 'MLB',
    ...rest,
  };
  await request(t.app.get(MercadoPagoEndpoint).baseUrl)
    .post('/__emulator/accounts')
    .send(account)
    .expect(201);
  return account;
}

/** The create body for an emulator account. */
export const createBody = (account: Account, name: string, isDefault = false) => ({
  name,
  site_id: account.site_id,
  mode: account.access_token.startsWith('TEST-') ? 'sandbox' : 'production',
  public_key: account.public_key,
  access_token: account.access_token,
  webhook_secret: account.webhook_secret,
  is_default: isDefault,
});

/** Everything a database dump of our tables would show, bytea decoded as text too. */
export async function dumpCredentialTables(t: TestApp): Promise<string> {
  const parts: string[] = [];
  for (const table of ['credentials', 'credentials_audit']) {
    const result = await t.database.db.execute(sql.raw(`SELECT * FROM ${table}`));
    for (const row of (result as { rows: Record<string, unknown>[] }).rows) {
      for (const value of Object.values(row)) {
        if (value instanceof Uint8Array) {
          parts.push(Buffer.from(value).toString('latin1'), Buffer.from(value).toString('hex'));
        } else {
          parts.push(JSON.stringify(value));
        }
      }
    }
  }
  return parts.join('\n');
}

export async function countCredentialRows(t: TestApp): Promise<number> {
  const result = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM credentials`);
  return Number((result as { rows: { n: number }[] }).rows[0].n);
}

/** A value sealed the way rows were before bindings (no AES-GCM additional data). */
export function sealUnbound(key: Buffer, plain: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Registers an emulator account and adds credentials for it through the API. */
export async function createCredentials(
  t: TestApp,
  name: string,
  overrides: Partial<Account> & { prefix?: Prefix } = {},
): Promise<{ id: string; account: Account }> {
  const account = await registerAccount(t, overrides);
  const res = await request(t.url)
    .post('/v1/credentials')
    .set({ authorization: `Bearer ${t.adminToken}` })
    .send(createBody(account, name))
    .expect(201);
  return { id: (res.body as { id: string }).id, account };
}
