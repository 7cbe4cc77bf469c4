import { Injectable } from '@nestjs/common';
import { ConflictError } from '../common/errors/domain-error';
import { Secret } from '../common/secret';
import { AppConfig } from '../config/app-config';
import type { Executor } from '../database/database';
import { Mode, credentialProblems, modeOf } from './credential-formats';
import {
  CredentialCheckFailedError,
  CredentialInvalidError,
  CredentialNameTakenError,
  CredentialNoDefaultError,
  CredentialNotFoundError,
  CredentialSandboxInProductionError,
} from './credentials.errors';
import { CredentialChanges, CredentialsRepository, violates } from './credentials.repository';
import { CredentialAuditRow, CredentialRow } from './credentials.schema';
import { MercadoPagoAccount, MercadoPagoAccounts } from './mercadopago-accounts.port';
import { SecretBox, Sealed } from './secret-box';
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

const sealedOf = (blob: Buffer | null, keyId: string | null): Sealed | undefined =>
  blob && keyId ? { blob, keyId } : undefined;

@Injectable()
export class CredentialsService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly accounts: MercadoPagoAccounts,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
  ) {}

  /** Validates, checks the token with Mercado Pago, then stores: a failure stores nothing. */
  async create(input: NewCredentials, actor: Actor): Promise<CredentialRow> {
    const problems = credentialProblems(input);
    if (problems.length > 0) throw new CredentialInvalidError(problems);
    const account = await this.checkWithMercadoPago(input.accessToken, input.siteId);
    return this.insert(input, account, actor);
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
        const problems = credentialProblems({ mode: row.mode, publicKey: patch.publicKey });
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
    const problems = credentialProblems({ mode: current.mode, ...secrets });
    if (problems.length > 0) throw new CredentialInvalidError(problems);
    if (secrets.accessToken) {
      const account = await this.checkWithMercadoPago(secrets.accessToken, current.siteId);
      if (current.mercadoPagoUserId && account.userId !== current.mercadoPagoUserId) {
        throw new CredentialCheckFailedError(
          'The new access token belongs to another Mercado Pago account; create new credentials instead',
        );
      }
    }
    return this.credentials.transaction((tx) =>
      this.changeLocked(id, tx, actor, 'rotated', (row) =>
        Promise.resolve({ ...this.secretChanges(row, secrets), rotatedAt: new Date() }),
      ),
    );
  }

  /** Soft delete with the secrets wiped; a deleted default leaves no default. */
  async remove(id: string, actor: Actor): Promise<CredentialRow> {
    return this.credentials.transaction(async (tx) => {
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

  /** The credentials a call should use: the given ones, or the default when omitted. */
  async resolve(credentialId?: string): Promise<UsableCredentials> {
    const row = await this.usableRow(credentialId);
    const accessToken = sealedOf(row.accessTokenSealed, row.accessTokenKeyId);
    // Live rows always hold a token (only delete wipes it); a miss is a broken invariant.
    if (!accessToken) throw new Error(`Credentials ${row.id} hold no access token`);
    const mode = row.mode as Mode;
    return {
      id: row.id,
      name: row.name,
      siteId: row.siteId as SiteId,
      mode,
      publicKey: row.publicKey,
      accessToken: this.box.open(accessToken),
      liveMode: mode === 'production',
    };
  }

  /** What a front end needs to make card tokens; same choice and guard rails as resolve. */
  publicKey(credentialId?: string): Promise<CredentialRow> {
    return this.usableRow(credentialId);
  }

  /**
   * The webhook secrets a notification for these credentials may be signed with: the current
   * one first, then the replaced one while the rotation overlap lasts. undefined when there are
   * no such (live) credentials.
   */
  async webhookSecrets(credentialId: string): Promise<Secret[] | undefined> {
    const row = UUID.test(credentialId) ? await this.credentials.findLive(credentialId) : undefined;
    if (!row) return undefined;
    const secrets: Secret[] = [];
    const current = sealedOf(row.webhookSecretSealed, row.webhookSecretKeyId);
    if (current) secrets.push(this.box.open(current));
    const previous = sealedOf(row.previousWebhookSecretSealed, row.previousWebhookSecretKeyId);
    if (previous && (row.previousWebhookSecretExpiresAt?.getTime() ?? 0) > Date.now()) {
      secrets.push(this.box.open(previous));
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
    const currentToken = current && sealedOf(current.accessTokenSealed, current.accessTokenKeyId);
    const tokenChanged =
      !currentToken || this.box.open(currentToken).reveal() !== accessToken.reveal();
    const account = tokenChanged ? await this.checkWithMercadoPago(accessToken) : undefined;
    if (!current) {
      const input = {
        ...seed,
        accessToken,
        name,
        siteId: account!.siteId,
        mode: mode!,
        isDefault: true,
      };
      return this.insert(input, account!, SYSTEM_ACTOR);
    }

    return this.credentials.transaction((tx) =>
      this.changeLocked(current.id, tx, SYSTEM_ACTOR, 'updated', (row) => {
        const changes: CredentialChanges = {};
        if (seed.publicKey !== row.publicKey) changes.publicKey = seed.publicKey;
        if (account) {
          // The environment names another token: it may be another account, site or mode.
          if (account.siteId !== row.siteId) changes.siteId = account.siteId;
          if (mode !== row.mode) changes.mode = mode;
          changes.mercadoPagoUserId = account.userId;
          Object.assign(changes, this.secretChanges(row, { accessToken }));
        }
        const secret = sealedOf(row.webhookSecretSealed, row.webhookSecretKeyId);
        const webhookSecret = seed.webhookSecret;
        if (
          webhookSecret &&
          (!secret || this.box.open(secret).reveal() !== webhookSecret.reveal())
        ) {
          Object.assign(changes, this.secretChanges(row, { webhookSecret }));
        }
        return Promise.resolve(changes);
      }),
    );
  }

  private async usableRow(credentialId?: string): Promise<CredentialRow> {
    let row: CredentialRow | undefined;
    if (credentialId === undefined) {
      row = await this.credentials.findDefault();
      if (!row) throw new CredentialNoDefaultError();
    } else {
      row = await this.get(credentialId);
    }
    const { isProduction, credentials } = this.config;
    if (isProduction && row.mode === 'sandbox' && !credentials.allowSandboxInProduction) {
      throw new CredentialSandboxInProductionError(row.id);
    }
    return row;
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
      const row = await this.credentials.insert(
        {
          name: input.name,
          siteId: input.siteId,
          mode: input.mode,
          publicKey: input.publicKey,
          isDefault: input.isDefault,
          mercadoPagoUserId: account.userId,
          ...this.secretChanges(undefined, input),
        },
        tx,
      );
      const fields = ['name', 'site_id', 'mode', 'public_key', 'access_token', 'is_default'];
      if (input.webhookSecret) fields.push('webhook_secret');
      await this.audit(tx, row.id, 'created', actor, fields);
      return row;
    });
  }

  /** A transaction that turns the unique indexes' refusals into the caller's conflicts. */
  private async write<T>(name: string | undefined, work: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      return await this.credentials.transaction(work);
    } catch (error) {
      if (name !== undefined && violates(error, 'credentials_name_live_idx')) {
        throw new CredentialNameTakenError(name);
      }
      if (violates(error, 'credentials_one_default_idx')) {
        throw new ConflictError(
          'CREDENTIAL_DEFAULT_CONFLICT',
          'Another request changed the default credentials at the same time; retry',
        );
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
  private secretChanges(row: CredentialRow | undefined, secrets: NewSecrets): CredentialChanges {
    const now = new Date();
    const changes: CredentialChanges = {};
    // [sealed blob, key id, hint, set at], in the column order each secret has.
    const sealedWithHint = (secret: Secret) => {
      const { blob, keyId } = this.box.seal(secret);
      return [blob, keyId, secret.hint(), now] as const;
    };
    if (secrets.accessToken) {
      [
        changes.accessTokenSealed,
        changes.accessTokenKeyId,
        changes.accessTokenHint,
        changes.accessTokenSetAt,
      ] = sealedWithHint(secrets.accessToken);
    }
    if (secrets.webhookSecret) {
      [
        changes.webhookSecretSealed,
        changes.webhookSecretKeyId,
        changes.webhookSecretHint,
        changes.webhookSecretSetAt,
      ] = sealedWithHint(secrets.webhookSecret);
      const overlapMs = this.config.credentials.rotationOverlapHours * HOUR_MS;
      const keep = row?.webhookSecretSealed && overlapMs > 0;
      Object.assign(changes, {
        previousWebhookSecretSealed: keep ? row.webhookSecretSealed : null,
        previousWebhookSecretKeyId: keep ? row.webhookSecretKeyId : null,
        previousWebhookSecretExpiresAt: keep ? new Date(now.getTime() + overlapMs) : null,
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
