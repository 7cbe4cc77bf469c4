import type { SealedSecret } from './endpoint-secrets';
import { Injectable } from '@nestjs/common';
import { and, desc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { Database } from '../database/database';
import { WebhookEndpointRow, webhookEndpoints as e } from './webhook-endpoints.schema';

export interface NewEndpoint {
  id: string;
  url: string;
  eventTypes: string[] | null;
  description: string | null;
  secret: SealedSecret;
}

export interface EndpointChanges {
  url?: string;
  eventTypes?: string[] | null;
  description?: string | null;
  enabled?: boolean;
}

/** Subscribers: their settings, sealed secrets and health. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(private readonly database: Database) {}

  async insert(values: NewEndpoint): Promise<WebhookEndpointRow> {
    const [row] = await this.database.db
      .insert(e)
      .values({
        id: values.id,
        url: values.url,
        eventTypes: values.eventTypes,
        description: values.description,
        secretSealed: values.secret.sealed,
        secretKeyId: values.secret.keyId,
      })
      .returning();
    return row;
  }

  list(): Promise<WebhookEndpointRow[]> {
    return this.database.db.select().from(e).orderBy(desc(e.createdAt), desc(e.id));
  }

  async findById(id: string): Promise<WebhookEndpointRow | undefined> {
    const [row] = await this.database.db.select().from(e).where(eq(e.id, id));
    return row;
  }

  async findByIds(ids: string[]): Promise<WebhookEndpointRow[]> {
    if (ids.length === 0) return [];
    return this.database.db
      .select()
      .from(e)
      .where(sql`${e.id} = ANY(${sql.param(ids)}::uuid[])`);
  }

  /** Turning an endpoint on again forgets its failures, so it is not disabled again at once. */
  async update(id: string, changes: EndpointChanges): Promise<WebhookEndpointRow | undefined> {
    const reenabled = changes.enabled === true ? { failingSince: null, disabledReason: null } : {};
    const [row] = await this.database.db
      .update(e)
      .set({ ...changes, ...reenabled, updatedAt: sql`now()` })
      .where(eq(e.id, id))
      .returning();
    return row;
  }

  async delete(id: string): Promise<WebhookEndpointRow | undefined> {
    const [row] = await this.database.db.delete(e).where(eq(e.id, id)).returning();
    return row;
  }

  /** The new secret signs from now on; the current one keeps signing beside it until `until`. */
  async rotate(
    id: string,
    secret: SealedSecret,
    until: Date,
  ): Promise<WebhookEndpointRow | undefined> {
    const [row] = await this.database.db
      .update(e)
      .set({
        previousSecretSealed: sql`${e.secretSealed}`,
        previousSecretKeyId: sql`${e.secretKeyId}`,
        previousSecretExpiresAt: until,
        secretSealed: secret.sealed,
        secretKeyId: secret.keyId,
        updatedAt: sql`now()`,
      })
      .where(eq(e.id, id))
      .returning();
    return row;
  }

  /**
   * Stores secrets re-sealed from `before`, unless a rotation replaced them meanwhile (then the
   * rotation's own sealing stands). False when nothing was written.
   */
  async reseal(
    before: WebhookEndpointRow,
    secret: SealedSecret,
    previous: SealedSecret | null,
  ): Promise<boolean> {
    const rows = await this.database.db
      .update(e)
      .set({
        secretSealed: secret.sealed,
        secretKeyId: secret.keyId,
        previousSecretSealed: previous?.sealed ?? null,
        previousSecretKeyId: previous?.keyId ?? null,
      })
      .where(and(eq(e.id, before.id), eq(e.secretSealed, before.secretSealed)))
      .returning({ id: e.id });
    return rows.length > 0;
  }

  async markHealthy(id: string): Promise<void> {
    await this.database.db
      .update(e)
      .set({ failingSince: null })
      .where(and(eq(e.id, id), isNotNull(e.failingSince)));
  }

  /**
   * Records a failed attempt; turns the endpoint off when it has failed, with no success in
   * between, for longer than `disableAfterMs`. Returns whether this call turned it off.
   */
  async markFailing(id: string, disableAfterMs: number): Promise<boolean> {
    await this.database.db
      .update(e)
      .set({ failingSince: sql`now()` })
      .where(and(eq(e.id, id), sql`${e.failingSince} IS NULL`));
    const disabled = await this.database.db
      .update(e)
      .set({ enabled: false, disabledReason: 'failing', updatedAt: sql`now()` })
      .where(
        and(
          eq(e.id, id),
          eq(e.enabled, true),
          lt(e.failingSince, sql`now() - make_interval(secs => ${disableAfterMs / 1000})`),
        ),
      )
      .returning({ id: e.id });
    return disabled.length > 0;
  }
}
