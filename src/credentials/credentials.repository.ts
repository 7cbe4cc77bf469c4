import { Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { Database, Executor } from '../database/database';
import {
  CredentialAuditRow,
  CredentialRow,
  credentials,
  credentialsAudit,
} from './credentials.schema';

export type NewCredential = typeof credentials.$inferInsert;
export type CredentialChanges = Partial<Omit<NewCredential, 'id' | 'createdAt'>>;
export type NewAuditEntry = Omit<typeof credentialsAudit.$inferInsert, 'id' | 'createdAt'>;

const live = isNull(credentials.deletedAt);

@Injectable()
export class CredentialsRepository {
  constructor(private readonly database: Database) {}

  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  async insert(values: NewCredential, ex: Executor = this.database.db): Promise<CredentialRow> {
    const [row] = await ex.insert(credentials).values(values).returning();
    return row;
  }

  async update(
    id: string,
    changes: CredentialChanges,
    ex: Executor = this.database.db,
  ): Promise<CredentialRow> {
    const [row] = await ex
      .update(credentials)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(credentials.id, id))
      .returning();
    return row;
  }

  /** Keeps the "one live default" index satisfied before another row becomes the default. */
  async clearDefault(ex: Executor = this.database.db): Promise<void> {
    await ex
      .update(credentials)
      .set({ isDefault: false, updatedAt: sql`now()` })
      .where(and(eq(credentials.isDefault, true), live));
  }

  /** Soft delete: the row stays for the payments that name it; its secrets do not. */
  async markDeletedAndWipe(
    id: string,
    ex: Executor = this.database.db,
  ): Promise<CredentialRow | undefined> {
    const [row] = await ex
      .update(credentials)
      .set({
        deletedAt: sql`now()`,
        updatedAt: sql`now()`,
        isDefault: false,
        accessTokenSealed: null,
        accessTokenKeyId: null,
        webhookSecretSealed: null,
        webhookSecretKeyId: null,
        previousWebhookSecretSealed: null,
        previousWebhookSecretKeyId: null,
        previousWebhookSecretExpiresAt: null,
      })
      .where(and(eq(credentials.id, id), live))
      .returning();
    return row;
  }

  private liveById(id: string, ex: Executor) {
    return ex
      .select()
      .from(credentials)
      .where(and(eq(credentials.id, id), live));
  }

  async findLive(id: string, ex: Executor = this.database.db): Promise<CredentialRow | undefined> {
    const [row] = await this.liveById(id, ex);
    return row;
  }

  /** Inside a transaction: concurrent changes to one row queue up instead of overwriting. */
  async lockLive(id: string, tx: Executor): Promise<CredentialRow | undefined> {
    const [row] = await this.liveById(id, tx).for('update');
    return row;
  }

  async findDefault(ex: Executor = this.database.db): Promise<CredentialRow | undefined> {
    const [row] = await ex
      .select()
      .from(credentials)
      .where(and(eq(credentials.isDefault, true), live));
    return row;
  }

  async exists(id: string, ex: Executor = this.database.db): Promise<boolean> {
    const [row] = await ex
      .select({ id: credentials.id })
      .from(credentials)
      .where(eq(credentials.id, id));
    return row !== undefined;
  }

  listLive(ex: Executor = this.database.db): Promise<CredentialRow[]> {
    return ex
      .select()
      .from(credentials)
      .where(live)
      .orderBy(asc(credentials.createdAt), asc(credentials.id));
  }

  /** Every row, deleted ones too (their secrets are already gone): what the re-seal walks. */
  listAll(ex: Executor = this.database.db): Promise<CredentialRow[]> {
    return ex.select().from(credentials).orderBy(asc(credentials.createdAt));
  }

  async countAll(ex: Executor = this.database.db): Promise<number> {
    const [row] = await ex.select({ n: count() }).from(credentials);
    return Number(row.n);
  }

  /**
   * Marks the live credentials invalid if `setAt` still dates their access token (a 401 for a
   * token rotated away since marks nothing); undefined when nothing changed, e.g. already invalid.
   */
  async markInvalid(
    id: string,
    setAt: Date | null,
    reason: string,
    ex: Executor = this.database.db,
  ): Promise<CredentialRow | undefined> {
    const sameToken = setAt
      ? sql`${credentials.accessTokenSetAt} = ${setAt.toISOString()}::timestamptz`
      : isNull(credentials.accessTokenSetAt);
    const [row] = await ex
      .update(credentials)
      .set({ invalidAt: sql`now()`, invalidReason: reason, updatedAt: sql`now()` })
      .where(and(eq(credentials.id, id), live, isNull(credentials.invalidAt), sameToken))
      .returning();
    return row;
  }

  async countInvalid(ex: Executor = this.database.db): Promise<number> {
    const [row] = await ex
      .select({ n: count() })
      .from(credentials)
      .where(and(live, isNotNull(credentials.invalidAt)));
    return Number(row.n);
  }

  async insertAudit(entry: NewAuditEntry, ex: Executor = this.database.db): Promise<void> {
    await ex.insert(credentialsAudit).values(entry);
  }

  listAudit(credentialId: string, ex: Executor = this.database.db): Promise<CredentialAuditRow[]> {
    return ex
      .select()
      .from(credentialsAudit)
      .where(eq(credentialsAudit.credentialId, credentialId))
      .orderBy(desc(credentialsAudit.createdAt), desc(credentialsAudit.id));
  }
}
