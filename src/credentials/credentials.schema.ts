import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** drizzle has no bytea; PGlite hands back a Uint8Array and pg a Buffer, so normalise to Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    siteId: text('site_id').notNull(),
    mode: text('mode').notNull(),
    publicKey: text('public_key').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    /** Mercado Pago's user id behind the access token, from the live check. */
    mercadoPagoUserId: text('mercadopago_user_id'),
    // Each secret is an AES-256-GCM blob plus the id of the key that sealed it; both are wiped
    // (set to null) on delete. Hints are the last 4 characters, the only part ever shown.
    accessTokenSealed: bytea('access_token_sealed'),
    accessTokenKeyId: text('access_token_key_id'),
    accessTokenHint: text('access_token_hint'),
    accessTokenSetAt: timestamp('access_token_set_at', { withTimezone: true }),
    webhookSecretSealed: bytea('webhook_secret_sealed'),
    webhookSecretKeyId: text('webhook_secret_key_id'),
    webhookSecretHint: text('webhook_secret_hint'),
    webhookSecretSetAt: timestamp('webhook_secret_set_at', { withTimezone: true }),
    /** The replaced webhook secret, still accepted until its expiry (rotation overlap). */
    previousWebhookSecretSealed: bytea('previous_webhook_secret_sealed'),
    previousWebhookSecretKeyId: text('previous_webhook_secret_key_id'),
    previousWebhookSecretExpiresAt: timestamp('previous_webhook_secret_expires_at', {
      withTimezone: true,
    }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    /** Mercado Pago answered 401 to this access token: calls fail fast until a new one is set. */
    invalidAt: timestamp('invalid_at', { withTimezone: true }),
    invalidReason: text('invalid_reason'),
    /** The account is a Mercado Pago test user (`APP_USR-` values, fake money): always sandbox. */
    testUser: boolean('test_user').notNull().default(false),
    /** Soft delete: payments keep pointing at the row, but its secrets are gone. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('credentials_one_default_idx')
      .on(t.isDefault)
      .where(sql`${t.isDefault} AND ${t.deletedAt} IS NULL`),
    uniqueIndex('credentials_name_live_idx')
      .on(t.name)
      .where(sql`${t.deletedAt} IS NULL`),
    index('credentials_created_at_idx').on(t.createdAt),
  ],
);

export type CredentialRow = typeof credentials.$inferSelect;

export const credentialsAudit = pgTable(
  'credentials_audit',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    credentialId: uuid('credential_id')
      .notNull()
      .references(() => credentials.id),
    /** created | updated | rotated | deleted | resealed */
    action: text('action').notNull(),
    /** The service token that acted ("system" for start-up seeding and the re-seal command). */
    actorTokenId: text('actor_token_id').notNull(),
    actorName: text('actor_name').notNull(),
    /** Names of the fields that changed, never their values. */
    fields: text('fields').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('credentials_audit_credential_idx').on(t.credentialId, t.createdAt)],
);

export type CredentialAuditRow = typeof credentialsAudit.$inferSelect;
