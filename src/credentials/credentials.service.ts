import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Principal, mayUseCredentials } from '../auth/principal';
import { CacheInvalidation } from '../cache/cache-invalidation';
import { SharedCache } from '../cache/shared-cache';
import { AuthError } from '../common/errors/domain-error';
import { Secret } from '../common/secret';
import { AppConfig } from '../config/app-config';
import type { Executor } from '../database/database';
import { AccessTokenRefusals, CredentialToken } from './access-token-refusals.port';
import { Mode, credentialProblems, modeOf } from './credential-formats';
import { CredentialsMetrics } from './credentials.metrics';
import {
  CredentialCheckFailedError,
  CredentialDefaultConflictError,
  CredentialInvalidError,
  CredentialNameTakenError,
  CredentialNoDefaultError,
  CredentialNotFoundError,
  CredentialSandboxInProductionError,
  CredentialUnusableError,
} from './credentials.errors';
import { violates } from '../database/errors';
import { CredentialChanges, CredentialsRepository } from './credentials.repository';
import { CredentialAuditRow, CredentialRow } from './credentials.schema';
import { MercadoPagoAccount, MercadoPagoAccounts } from './mercadopago-accounts.port';
import { SealedColumn, bindingOf, sealedIn } from './sealed-columns';
import { SecretBox } from './secret-box';
import { SiteId } from './sites';

/** What a payment or a webhook check needs: the access token opened, ready for one call. */
export interface UsableCredentials {
  id: string;
  name: string;
  siteId: SiteId;
  mode: 'sandbox' | 'production';
  publicKey: string;
  accessToken: Secret;
  /** mode === 'production': what each payment records as `live_mode`. */
  liveMode: boolean;
}

/** Who made a change, for the audit log: the calling service token, or the service itself. */
export interface Actor {
  tokenId: string;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { tokenId: 'system', name: 'system' };

export interface NewCredentials {
  name: string;
  siteId: string;
  mode: string;
  publicKey: string;
  accessToken: Secret;
  webhookSecret?: Secret;
  isDefault: boolean;
}

export interface CredentialsPatch {
  name?: string;
  publicKey?: string;
  isDefault?: boolean;
}

export interface NewSecrets {
  accessToken?: Secret;
  webhookSecret?: Secret;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOUR_MS = 3_600_000;

type CredentialsLimit = Pick<Principal, 'credentialIds'>;

export const CREDENTIALS_TOPIC = 'credentials';
const DEFAULT_KEY = 'default';

/** A live row with its secrets opened: what the hot paths (payments, notifications) read. */
interface OpenedCredentials {
  row: CredentialRow;
  usable: UsableCredentials;
  webhookSecret?: Secret;
  previousWebhookSecret?: Secret;
}

@Injectable()
export class CredentialsService implements AccessTokenRefusals {
  private readonly logger = new Logger('Credentials');
  /** Keyed by id, and "default"; any change empties it on every instance. */
  private readonly cache: SharedCache<OpenedCredentials>;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly accounts: MercadoPagoAccounts,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly invalidation: CacheInvalidation,
    private readonly metrics: CredentialsMetrics,
  ) {
    this.cache = invalidation.cache<OpenedCredentials>(CREDENTIALS_TOPIC);
  }

  /** Validates, checks the token with Mercado Pago, then stores: a failure stores nothing. */
  async create(input: NewCredentials, actor: Actor): Promise<CredentialRow> {
    const problems = credentialProblems(input);
    // Without a secret no notification can be verified, so every one would be refused.
    if (input.mode === 'production' && !input.webhookSecret) {
      problems.push({ field: 'webhook_secret', message: 'is required for production credentials' });
    }
    if (problems.length > 0) throw new CredentialInvalidError(problems);
    const account = await this.checkWithMercadoPago(input.accessToken, input.siteId);
    if (account.testUser) {
      this.logger.warn(
        `Credentials "${input.name}" belong to a Mercado Pago test user (fake money only): ` +
          'stored as sandbox',
      );
    }
    return this.insert(
      { ...input, mode: account.testUser ? 'sandbox' : input.mode },
      account,
      actor,
    );
  }

  list(): Promise<CredentialRow[]> {
    return this.credentials.listLive();
  }

  async get(id: string): Promise<CredentialRow> {
    const row = UUID.test(id) ? await this.credentials.findLive(id) : undefined;
    if (!row) throw new CredentialNotFoundError(id);
    return row;
  }

  /** Name, public key and the default flag; the secrets change only through rotate. */
  async update(id: string, patch: CredentialsPatch, actor: Actor): Promise<CredentialRow> {
    return this.write(patch.name, (tx) =>
      this.changeLocked(id, tx, actor, 'updated', async (row) => {
        const problems = credentialProblems({ mode: prefixMode(row), publicKey: patch.publicKey });
        if (problems.length > 0) throw new CredentialInvalidError(problems);
        const changes: CredentialChanges = {};
        if (patch.name !== undefined && patch.name !== row.name) changes.name = patch.name;
        if (patch.publicKey !== undefined && patch.publicKey !== row.publicKey) {
          changes.publicKey = patch.publicKey;
        }
        if (patch.isDefault !== undefined && patch.isDefault !== row.isDefault) {
          if (patch.isDefault) await this.credentials.clearDefault(tx);
          changes.isDefault = patch.isDefault;
        }
        return changes;
      }),
    );
  }

  /**
   * Replaces the access token and/or the webhook secret. A new token must pass the live check
   * for the same Mercado Pago account; the replaced webhook secret stays accepted for the
   * configured overlap, so notifications signed during the switch still verify.
   */
  async rotate(id: string, secrets: NewSecrets, actor: Actor): Promise<CredentialRow> {
    if (!secrets.accessToken && !secrets.webhookSecret) {
      throw new CredentialInvalidError([
        { field: 'access_token', message: 'or webhook_secret is required' },
      ]);
    }
    const current = await this.get(id);
    const problems = credentialProblems({ mode: prefixMode(current), ...secrets });
    if (problems.length > 0) throw new CredentialInvalidError(problems);
    if (secrets.accessToken) {
      const account = await this.checkWithMercadoPago(secrets.accessToken, current.siteId);
      if (current.mercadoPagoUserId && account.userId !== current.mercadoPagoUserId) {
        throw new CredentialCheckFailedError(
          'The new access token belongs to another Mercado Pago account; create new credentials instead',
        );
      }
    }
    return this.write(undefined, (tx) =>
      this.changeLocked(id, tx, actor, 'rotated', (row) =>
        Promise.resolve({ ...this.secretChanges(row.id, row, secrets), rotatedAt: new Date() }),
      ),
    );
  }

  /**
   * Mercado Pago answered 401 to a stored access token: its credentials are marked invalid (once,
   * audited, logged, counted) and every instance forgets its cached copy, so the next call fails
   * fast. Other tokens (a live check's) belong to no stored credentials.
   */
  async refused(accessToken: Secret, reason: string): Promise<void> {
    if (!(accessToken instanceof CredentialToken)) return;
    const marked = await this.credentials.transaction(async (tx) => {
      const row = await this.credentials.markInvalid(
        accessToken.credentialId,
        accessToken.setAt,
        reason,
        tx,
      );
      if (row) await this.audit(tx, row.id, 'invalidated', SYSTEM_ACTOR, ['status']);
      return row;
    });
    if (!marked) return;
    await this.invalidation.publish(CREDENTIALS_TOPIC);
    this.metrics.countInvalidated();
    this.logger.warn(
      `Credentials ${marked.id} (${marked.name}) marked invalid: ${reason}; calls with them fail ` +
        'with CREDENTIAL_INVALID until a new access token is set (POST /v1/credentials/{id}/rotate)',
    );
  }

  /** Soft delete with the secrets wiped; a deleted default leaves no default. */
  async remove(id: string, actor: Actor): Promise<CredentialRow> {
    return this.write(undefined, async (tx) => {
      const row = UUID.test(id) ? await this.credentials.markDeletedAndWipe(id, tx) : undefined;
      if (!row) throw new CredentialNotFoundError(id);
      await this.audit(tx, row.id, 'deleted', actor, []);
      return row;
    });
  }

  /** The history of one set of credentials, deleted ones included. */
  async auditLog(id: string): Promise<CredentialAuditRow[]> {
    if (!UUID.test(id) || !(await this.credentials.exists(id))) {
      throw new CredentialNotFoundError(id);
    }
    return this.credentials.listAudit(id);
  }

  /**
   * The credentials a call should use: the given ones, or the default when omitted. A caller
   * limited to some credentials (`principal`) may use only those.
   */
  async resolve(credentialId?: string, principal?: CredentialsLimit): Promise<UsableCredentials> {
    const { row, usable } = await this.usable(credentialId, principal);
    if (row.invalidAt) throw new CredentialUnusableError(row.id, row.invalidAt, row.invalidReason);
    return usable;
  }

  /** What a front end needs to make card tokens; same choice and guard rails as resolve. */
  async publicKey(credentialId?: string, principal?: CredentialsLimit): Promise<CredentialRow> {
    return (await this.usable(credentialId, principal)).row;
  }

  /**
   * The webhook secrets a notification for these credentials may be signed with: the current
   * one first, then the replaced one while the rotation overlap lasts. undefined when there are
   * no such (live) credentials.
   */
  async webhookSecrets(credentialId: string): Promise<Secret[] | undefined> {
    const opened = UUID.test(credentialId) ? await this.opened(credentialId) : undefined;
    if (!opened) return undefined;
    const { row, webhookSecret, previousWebhookSecret } = opened;
    const secrets: Secret[] = webhookSecret ? [webhookSecret] : [];
    if (
      previousWebhookSecret &&
      (row.previousWebhookSecretExpiresAt?.getTime() ?? 0) > Date.now()
    ) {
      secrets.push(previousWebhookSecret);
    }
    return secrets;
  }

  findDefault(): Promise<CredentialRow | undefined> {
    return this.credentials.findDefault();
  }

  countAll(): Promise<number> {
    return this.credentials.countAll();
  }

  /**
   * Start-up seeding (MERCADOPAGO_*): creates the default credentials, or brings the existing
   * default in line with the environment. The live check runs only when the token is new, so a
   * restart does not depend on Mercado Pago answering.
   */
  async seedDefault(
    name: string,
    seed: NewSecrets & { publicKey: string },
  ): Promise<CredentialRow> {
    const accessToken = seed.accessToken!;
    const mode = modeOf(accessToken.reveal());
    const problems = credentialProblems({ ...seed, mode });
    if (problems.length > 0) throw new CredentialInvalidError(problems);

    const current = await this.credentials.findDefault();
    const tokenChanged =
      !current || this.openColumn(current, 'accessToken')?.reveal() !== accessToken.reveal();
    const account = tokenChanged ? await this.checkWithMercadoPago(accessToken) : undefined;
    const seededMode = account?.testUser ? 'sandbox' : mode!;
    if (!current) {
      const input = {
        ...seed,
        accessToken,
        name,
        siteId: account!.siteId,
        mode: seededMode,
        isDefault: true,
      };
      return this.insert(input, account!, SYSTEM_ACTOR);
    }

    return this.write(undefined, (tx) =>
      this.changeLocked(current.id, tx, SYSTEM_ACTOR, 'updated', (row) => {
        const changes: CredentialChanges = {};
        if (seed.publicKey !== row.publicKey) changes.publicKey = seed.publicKey;
        if (account) {
          // The environment names another token: it may be another account, site or mode.
          if (account.siteId !== row.siteId) changes.siteId = account.siteId;
          if (seededMode !== row.mode) changes.mode = seededMode;
          changes.mercadoPagoUserId = account.userId;
          changes.testUser = account.testUser;
          Object.assign(changes, this.secretChanges(row.id, row, { accessToken }));
        }
        const webhookSecret = seed.webhookSecret;
        if (
          webhookSecret &&
          this.openColumn(row, 'webhookSecret')?.reveal() !== webhookSecret.reveal()
        ) {
          Object.assign(changes, this.secretChanges(row.id, row, { webhookSecret }));
        }
        return Promise.resolve(changes);
      }),
    );
  }

  /** Live production credentials that hold no webhook secret: every notification to them fails. */
  async productionWithoutWebhookSecret(): Promise<CredentialRow[]> {
    const rows = await this.credentials.listLive();
    return rows.filter((row) => row.mode === 'production' && !row.webhookSecretSealed);
  }

  private async usable(
    credentialId?: string,
    principal?: CredentialsLimit,
  ): Promise<OpenedCredentials> {
    if (credentialId !== undefined && !UUID.test(credentialId)) {
      throw new CredentialNotFoundError(credentialId);
    }
    const opened = await this.opened(credentialId);
    if (!opened) {
      throw credentialId === undefined
        ? new CredentialNoDefaultError()
        : new CredentialNotFoundError(credentialId);
    }
    const { isProduction, credentials } = this.config;
    if (isProduction && opened.row.mode === 'sandbox' && !credentials.allowSandboxInProduction) {
      throw new CredentialSandboxInProductionError(opened.row.id);
    }
    if (principal && !mayUseCredentials(principal, opened.row.id)) {
      throw AuthError.credentialsNotAllowed(opened.row.id);
    }
    return opened;
  }

  /** The live row (the default when no id is given) with its secrets opened, from the cache. */
  private opened(credentialId?: string): Promise<OpenedCredentials | undefined> {
    return this.cache.get(credentialId ?? DEFAULT_KEY, async () => {
      const row =
        credentialId === undefined
          ? await this.credentials.findDefault()
          : await this.credentials.findLive(credentialId);
      return row && this.open(row);
    });
  }

  private open(row: CredentialRow): OpenedCredentials {
    const opened = this.openColumn(row, 'accessToken');
    // Live rows always hold a token (only delete wipes it); a miss is a broken invariant.
    if (!opened) throw new Error(`Credentials ${row.id} hold no access token`);
    const accessToken = new CredentialToken(opened.reveal(), row.id, row.accessTokenSetAt);
    const mode = row.mode as Mode;
    return {
      row,
      usable: {
        id: row.id,
        name: row.name,
        siteId: row.siteId as SiteId,
        mode,
        publicKey: row.publicKey,
        accessToken,
        liveMode: mode === 'production',
      },
      webhookSecret: this.openColumn(row, 'webhookSecret'),
      previousWebhookSecret: this.openColumn(row, 'previousWebhookSecret'),
    };
  }

  private openColumn(row: CredentialRow, column: SealedColumn): Secret | undefined {
    const sealed = sealedIn(row, column);
    return sealed && this.box.open(sealed, bindingOf(row.id, column));
  }

  /** The live check: the token works, and (when expected) belongs to an account of that site. */
  private async checkWithMercadoPago(
    accessToken: Secret,
    expectedSite?: string,
  ): Promise<MercadoPagoAccount> {
    const account = await this.accounts.whoAmI(accessToken);
    if (expectedSite !== undefined && account.siteId !== expectedSite) {
      throw new CredentialCheckFailedError(
        `The access token belongs to a Mercado Pago account of site ${account.siteId}, not ${expectedSite}`,
        { expected_site_id: expectedSite, site_id: account.siteId },
      );
    }
    if (expectedSite === undefined && credentialProblems({ siteId: account.siteId }).length > 0) {
      throw new CredentialCheckFailedError(
        `The access token belongs to a Mercado Pago account of unsupported site ${account.siteId}`,
      );
    }
    const mode = modeOf(accessToken.reveal());
    if (account.liveMode !== undefined && account.liveMode !== (mode === 'production')) {
      throw new CredentialCheckFailedError(
        `Mercado Pago says the access token is not a ${mode} one`,
      );
    }
    return account;
  }

  private insert(
    input: NewCredentials,
    account: MercadoPagoAccount,
    actor: Actor,
  ): Promise<CredentialRow> {
    return this.write(input.name, async (tx) => {
      if (input.isDefault) await this.credentials.clearDefault(tx);
      // The id is ours, not the database's: the secrets are sealed bound to it.
      const id = randomUUID();
      const row = await this.credentials.insert(
        {
          id,
          name: input.name,
          siteId: input.siteId,
          mode: input.mode,
          publicKey: input.publicKey,
          testUser: account.testUser,
          isDefault: input.isDefault,
          mercadoPagoUserId: account.userId,
          ...this.secretChanges(id, undefined, input),
        },
        tx,
      );
      const fields = ['name', 'site_id', 'mode', 'public_key', 'access_token', 'is_default'];
      if (input.webhookSecret) fields.push('webhook_secret');
      await this.audit(tx, row.id, 'created', actor, fields);
      return row;
    });
  }

  /**
   * Every change goes through here: a transaction that turns the unique indexes' refusals into
   * the caller's conflicts, then (committed) empties the credentials caches of every instance.
   */
  private async write<T>(name: string | undefined, work: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      const result = await this.credentials.transaction(work);
      await this.invalidation.publish(CREDENTIALS_TOPIC);
      return result;
    } catch (error) {
      if (name !== undefined && violates(error, 'credentials_name_live_idx')) {
        throw new CredentialNameTakenError(name);
      }
      if (violates(error, 'credentials_one_default_idx')) {
        throw new CredentialDefaultConflictError();
      }
      throw error;
    }
  }

  /** Locks the row, applies `decide`'s changes and audits them under their column names. */
  private async changeLocked(
    id: string,
    tx: Executor,
    actor: Actor,
    action: string,
    decide: (row: CredentialRow) => Promise<CredentialChanges>,
  ): Promise<CredentialRow> {
    const row = UUID.test(id) ? await this.credentials.lockLive(id, tx) : undefined;
    if (!row) throw new CredentialNotFoundError(id);
    const changes = await decide(row);
    const fields = auditFields(changes);
    if (fields.length === 0) return row;
    const updated = await this.credentials.update(id, changes, tx);
    await this.audit(tx, id, action, actor, fields);
    return updated;
  }

  /** Sealed columns for new secrets; a replaced webhook secret moves to "previous" for the overlap. */
  private secretChanges(
    id: string,
    row: CredentialRow | undefined,
    secrets: NewSecrets,
  ): CredentialChanges {
    const now = new Date();
    const changes: CredentialChanges = {};
    // [sealed blob, key id, hint, set at], in the column order each secret has.
    const sealedWithHint = (secret: Secret, column: SealedColumn) => {
      const { blob, keyId } = this.box.seal(secret, bindingOf(id, column));
      return [blob, keyId, secret.hint(), now] as const;
    };
    if (secrets.accessToken) {
      // Checked live before it got here: whatever Mercado Pago refused before is history.
      changes.invalidAt = null;
      changes.invalidReason = null;
      [
        changes.accessTokenSealed,
        changes.accessTokenKeyId,
        changes.accessTokenHint,
        changes.accessTokenSetAt,
      ] = sealedWithHint(secrets.accessToken, 'accessToken');
    }
    if (secrets.webhookSecret) {
      [
        changes.webhookSecretSealed,
        changes.webhookSecretKeyId,
        changes.webhookSecretHint,
        changes.webhookSecretSetAt,
      ] = sealedWithHint(secrets.webhookSecret, 'webhookSecret');
      const overlapMs = this.config.credentials.rotationOverlapHours * HOUR_MS;
      // Re-sealed, not copied: a value is bound to its column.
      const replaced = row && overlapMs > 0 ? this.openColumn(row, 'webhookSecret') : undefined;
      const previous = replaced && this.box.seal(replaced, bindingOf(id, 'previousWebhookSecret'));
      Object.assign(changes, {
        previousWebhookSecretSealed: previous?.blob ?? null,
        previousWebhookSecretKeyId: previous?.keyId ?? null,
        previousWebhookSecretExpiresAt: previous ? new Date(now.getTime() + overlapMs) : null,
      });
    }
    return changes;
  }

  private audit(
    tx: Executor,
    credentialId: string,
    action: string,
    actor: Actor,
    fields: string[],
  ): Promise<void> {
    return this.credentials.insertAudit(
      { credentialId, action, actorTokenId: actor.tokenId, actorName: actor.name, fields },
      tx,
    );
  }
}

/** The mode the values' prefix must match: a test user's are `APP_USR-` ones, though sandbox. */
function prefixMode(row: CredentialRow): string {
  return row.testUser ? 'production' : row.mode;
}

/** Column changes → the contract's field names, secrets named once and never valued. */
const AUDIT_FIELD: Partial<Record<keyof CredentialChanges, string>> = {
  name: 'name',
  siteId: 'site_id',
  mode: 'mode',
  publicKey: 'public_key',
  isDefault: 'is_default',
  accessTokenSealed: 'access_token',
  webhookSecretSealed: 'webhook_secret',
};

function auditFields(changes: CredentialChanges): string[] {
  return Object.keys(changes).flatMap((key) => AUDIT_FIELD[key as keyof CredentialChanges] ?? []);
}
