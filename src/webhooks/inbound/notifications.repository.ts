import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { SQL, and, asc, count, eq, getTableColumns, inArray, lt, ne, or, sql } from 'drizzle-orm';
import { violates } from '../../database/errors';
import { Database } from '../../database/database';
import { Statement, param } from '../../database/statement';
import { Keyset, newestFirst, olderThan } from '../../database/keyset';
import { payments as p } from '../../payments/payments.schema';
import {
  NotificationRow,
  NotificationStatus,
  mercadopagoNotifications as n,
} from './notifications.schema';

/** A signed webhook, as verified (IPN never creates a row). */
export interface ReceivedNotification {
  credentialId: string;
  topic: string;
  resourceId: string | null;
  action: string | null;
  /** Which secret verified it: `current`, or `previous` during a rotation overlap. */
  signature: 'current' | 'previous';
  requestId: string | null;
}

/** What a worker read for a claimed row: our payment and the version Mercado Pago showed. */
export interface CompletedRead {
  row: NotificationRow;
  paymentId: string;
  version: Date | null;
}

export interface NotificationFilters {
  status?: NotificationStatus;
  topic?: string;
  resourceId?: string;
  credentialId?: string;
  /** The caller's token is limited to these credentials. */
  credentialIds?: readonly string[];
}

export type RetryOutcome =
  | { kind: 'queued'; row: NotificationRow }
  | { kind: 'missing' }
  | { kind: 'invalid_state'; status: NotificationStatus }
  | { kind: 'already_queued' };

const ACTIVE = sql`status IN ('pending', 'processing')`;

const RECEIVE_BATCH = 500;

const resourceKey = (r: { credentialId: string; topic: string; resourceId: string | null }) =>
  `${r.credentialId} ${r.topic} ${r.resourceId}`;

/**
 * The acknowledgement: stores each notification of a batch, or folds it into the row already
 * pending or processing for its resource. `received_at` is set here, not by now(): list cursors
 * carry milliseconds, so the column must too.
 */
const RECEIVE = new Statement<{
  credentialId: string;
  topic: string;
  resourceId: string;
  inserted: boolean;
}>(
  'notifications_receive',
  sql`INSERT INTO ${n} AS n (credential_id, topic, resource_id, action, signature,
      last_request_id, received_at, webhook_count, status)
    SELECT t.credential_id, t.topic, t.resource_id, t.action, t.signature, t.request_id,
      ${param('received_at')}::timestamptz, 1, 'pending'
    FROM unnest(${param('credential_ids')}::uuid[], ${param('topics')}::text[],
      ${param('resource_ids')}::text[], ${param('actions')}::text[],
      ${param('signatures')}::text[], ${param('request_ids')}::text[])
      AS t(credential_id, topic, resource_id, action, signature, request_id)
    ON CONFLICT (credential_id, topic, resource_id) WHERE ${ACTIVE} DO UPDATE SET
      webhook_count = n.webhook_count + 1,
      signature = excluded.signature,
      action = coalesce(excluded.action, n.action),
      last_request_id = coalesce(excluded.last_request_id, n.last_request_id),
      last_received_at = now(),
      -- Something changed at Mercado Pago: a row waiting out a back-off is due now.
      run_at = least(n.run_at, now()),
      refetch = n.refetch OR n.status = 'processing'
    RETURNING credential_id AS "credentialId", topic, resource_id AS "resourceId",
      xmax = 0 AS inserted`,
);

/**
 * The payment a claimed payment notification is about, as we hold it from Mercado Pago's own word
 * (not submitting nor abandoned), read in the claim rather than by one more statement.
 */
const HELD = sql`FROM ${p} WHERE ${n.topic} = 'payment' AND ${n.resourceId} ~ '^[0-9]{1,18}$'
  AND ${p.mercadopagoId} = ${n.resourceId}::bigint AND ${p.credentialId} = ${n.credentialId}
  AND ${p.status} NOT IN ('submitting', 'abandoned') AND ${p.gatewayUpdatedAt} IS NOT NULL`;

/** A claimed row, with what we hold of its payment (see HELD). */
export type ClaimedNotification = NotificationRow & {
  held: { paymentId: string; version: Date } | null;
};

/** The inbox: stores, folds, claims and settles Mercado Pago notifications (see the schema). */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly database: Database) {}

  /**
   * Acknowledgements arriving together (in one turn of the event loop) share one statement, so
   * under load a burst costs one round-trip and one commit instead of one each.
   */
  private readonly receiver = new DataLoader<ReceivedNotification, { folded: boolean }>(
    (batch) => this.receiveMany(batch),
    { cache: false, maxBatchSize: RECEIVE_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  /**
   * Stores a payment notification, or folds it into the row already pending or processing for
   * the same resource (a fold into a row being processed asks for one more read). Returns
   * whether it folded, for the metric. Resolves once it is committed.
   */
  receive(values: ReceivedNotification): Promise<{ folded: boolean }> {
    return this.receiver.load(values);
  }

  /**
   * One statement per round: a resource twice in a batch (ON CONFLICT may touch a row once per
   * statement) has its second notification in the next round, where it folds into the first.
   * Each round commits on its own, so a failed round fails only its notifications and the later
   * ones (Mercado Pago sends them again); the rounds before it stay answered as stored.
   */
  private async receiveMany(
    batch: readonly ReceivedNotification[],
  ): Promise<Array<{ folded: boolean } | Error>> {
    const receivedAt = new Date().toISOString();
    const results = new Array<{ folded: boolean } | Error>(batch.length);
    let pending = batch.map((values, index) => ({ values, index }));
    while (pending.length > 0) {
      const round = new Map<string, { values: ReceivedNotification; index: number }>();
      const later: typeof pending = [];
      for (const item of pending) {
        const key = resourceKey(item.values);
        if (round.has(key)) later.push(item);
        else round.set(key, item);
      }
      const items = [...round.values()].map(({ values }) => values);
      let rows: Awaited<ReturnType<typeof RECEIVE.run>>;
      try {
        rows = await RECEIVE.run(this.database.urgent, {
          credential_ids: items.map((v) => v.credentialId),
          topics: items.map((v) => v.topic),
          resource_ids: items.map((v) => v.resourceId),
          actions: items.map((v) => v.action),
          signatures: items.map((v) => v.signature),
          request_ids: items.map((v) => v.requestId),
          received_at: receivedAt,
        });
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const { index } of pending) results[index] = failure;
        break;
      }
      for (const row of rows) {
        const item = round.get(resourceKey(row))!;
        results[item.index] = { folded: !row.inserted };
      }
      pending = later;
    }
    return results;
  }

  /**
   * An unsigned IPN for a payment that already has a row pending or processing joins it (one more
   * read if it is being processed); false when there is none, and then nothing is stored. It
   * leaves run_at alone: unsigned, it must not cut short a back-off.
   */
  async foldIpn(credentialId: string, resourceId: string): Promise<boolean> {
    const rows = await this.database.db
      .update(n)
      .set({
        ipnCount: sql`${n.ipnCount} + 1`,
        lastReceivedAt: sql`now()`,
        refetch: sql`${n.refetch} OR ${n.status} = 'processing'`,
      })
      .where(
        and(
          eq(n.credentialId, credentialId),
          eq(n.topic, 'payment'),
          eq(n.resourceId, resourceId),
          ACTIVE,
        ),
      )
      .returning({ id: n.id });
    return rows.length > 0;
  }

  /** A signed notification of a topic we do not process: kept for operators, never claimed. */
  async storeIgnored(values: ReceivedNotification): Promise<void> {
    await this.database.db.insert(n).values({
      credentialId: values.credentialId,
      topic: values.topic,
      resourceId: values.resourceId,
      action: values.action,
      signature: values.signature,
      lastRequestId: values.requestId,
      receivedAt: new Date(),
      webhookCount: 1,
      status: 'ignored',
    });
  }

  /**
   * Claims due rows (and rows whose lease ran out, as their worker died) for `leaseMs`. The
   * returned `lockedUntil` is the lease token: settling checks it, so a worker whose lease was
   * taken over cannot overwrite the newer outcome.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
    this.claimStatement ??= this.prepareClaim();
    const rows = await this.claimStatement.execute({ limit, leaseSeconds: leaseMs / 1000 });
    return rows.map(({ heldPaymentId, heldVersion, ...row }) => ({
      ...row,
      held:
        heldPaymentId && heldVersion ? { paymentId: heldPaymentId, version: heldVersion } : null,
    }));
  }

  private claimStatement?: ReturnType<NotificationsRepository['prepareClaim']>;

  private prepareClaim() {
    const due = this.database.db
      .select({ id: n.id })
      .from(n)
      .where(
        or(
          and(eq(n.status, 'pending'), sql`${n.runAt} <= now()`),
          and(eq(n.status, 'processing'), lt(n.lockedUntil, sql`now()`)),
        ),
      )
      .orderBy(asc(n.runAt), asc(n.id))
      .limit(sql.placeholder('limit'))
      .for('update', { skipLocked: true });
    return this.database.db
      .update(n)
      .set({
        status: 'processing',
        // Milliseconds only: the lease is compared as a JS Date when the worker settles.
        lockedUntil: sql`date_trunc('milliseconds', now() + make_interval(secs => ${sql.placeholder('leaseSeconds')}::float8))`,
        attempts: sql`${n.attempts} + 1`,
        refetch: false,
      })
      .where(inArray(n.id, due))
      .returning({
        ...getTableColumns(n),
        heldPaymentId: sql<string | null>`(SELECT ${p.id} ${HELD})`,
        heldVersion: sql<Date | null>`(SELECT ${p.gatewayUpdatedAt} ${HELD})`.mapWith(
          n.resourceVersion,
        ),
      })
      .prepare('notifications_claim');
  }

  /**
   * Settles many reads in one statement: each row still leased to us becomes done, or pending
   * again when a notification folded in meanwhile (refetch). Rows it leaves alone (a version an
   * earlier row was done with, a lease lost) are returned for complete() to settle one by one.
   */
  async completeMany(reads: CompletedRead[]): Promise<{
    settled: Array<CompletedRead & { status: NotificationStatus }>;
    left: CompletedRead[];
  }> {
    if (reads.length === 0) return { settled: [], left: [] };
    const input = JSON.stringify(
      reads.map(({ row, paymentId, version }) => ({
        id: row.id,
        locked_until: row.lockedUntil,
        payment_id: paymentId,
        version,
      })),
    );
    const result = await this.database.db.execute(sql`
      UPDATE ${n} SET
        status = CASE WHEN ${n.refetch} THEN 'pending' ELSE 'done' END,
        run_at = CASE WHEN ${n.refetch} THEN now() ELSE ${n.runAt} END,
        attempts = CASE WHEN ${n.refetch} THEN 0 ELSE ${n.attempts} END,
        resource_version = CASE WHEN ${n.refetch} THEN ${n.resourceVersion} ELSE c.version END,
        last_error = CASE WHEN ${n.refetch} THEN ${n.lastError} END,
        processed_at = CASE WHEN ${n.refetch} THEN ${n.processedAt} ELSE now() END,
        payment_id = c.payment_id,
        locked_until = NULL
      FROM jsonb_to_recordset(${input}::jsonb)
        AS c(id uuid, locked_until timestamptz, payment_id uuid, version timestamptz)
      WHERE ${n.id} = c.id AND ${n.status} = 'processing' AND ${n.lockedUntil} = c.locked_until
        AND (${n.refetch} OR c.version IS NULL OR NOT EXISTS (
          SELECT 1 FROM ${n} AS e WHERE e.status = 'done' AND e.credential_id = ${n.credentialId}
            AND e.topic = ${n.topic} AND e.resource_id = ${n.resourceId}
            AND e.resource_version = c.version))
      RETURNING ${n.id}, ${n.status}`);
    const rows = (result as { rows: { id: string; status: NotificationStatus }[] }).rows;
    const settled = new Map(rows.map((row) => [row.id, row.status]));
    return {
      settled: reads.flatMap((read) => {
        const status = settled.get(read.row.id);
        return status ? [{ ...read, status }] : [];
      }),
      left: reads.filter((read) => !settled.has(read.row.id)),
    };
  }

  /**
   * The payment was read and applied. One more read if a notification folded in meanwhile;
   * otherwise done, folded into an earlier row that read the same version (one row per change).
   */
  async complete(
    claimed: NotificationRow,
    paymentId: string,
    version: Date | null,
  ): Promise<'done' | 'folded' | 'requeued' | 'lost'> {
    return this.database.transaction(async (tx) => {
      const [row] = await tx.select().from(n).where(this.leased(claimed)).for('update');
      if (!row) return 'lost';
      if (row.refetch) {
        await tx
          .update(n)
          .set({ status: 'pending', runAt: sql`now()`, lockedUntil: null, attempts: 0, paymentId })
          .where(eq(n.id, row.id));
        return 'requeued';
      }
      const [earlier] = version
        ? await tx
            .select()
            .from(n)
            .where(
              and(
                eq(n.status, 'done'),
                eq(n.credentialId, row.credentialId),
                eq(n.topic, row.topic),
                eq(n.resourceId, row.resourceId ?? ''),
                eq(n.resourceVersion, version),
                ne(n.id, row.id),
              ),
            )
            .for('update')
        : [];
      if (earlier) {
        await tx
          .update(n)
          .set({
            webhookCount: earlier.webhookCount + row.webhookCount,
            ipnCount: earlier.ipnCount + row.ipnCount,
            signature: row.signature ?? earlier.signature,
            lastRequestId: row.lastRequestId ?? earlier.lastRequestId,
            lastReceivedAt: sql`greatest(${n.lastReceivedAt}, ${row.lastReceivedAt})`,
          })
          .where(eq(n.id, earlier.id));
        await tx.delete(n).where(eq(n.id, row.id));
        return 'folded';
      }
      await tx
        .update(n)
        .set({
          status: 'done',
          paymentId,
          resourceVersion: version,
          lastError: null,
          lockedUntil: null,
          processedAt: sql`now()`,
        })
        .where(eq(n.id, row.id));
      return 'done';
    });
  }

  /**
   * The read failed: back off by `delayMs`, or dead when `dead` (last attempt, or a failure no
   * retry can fix). A notification that folded in meanwhile makes it due again at once.
   */
  async fail(
    claimed: NotificationRow,
    error: string,
    delayMs: number,
    dead: boolean,
  ): Promise<NotificationStatus | undefined> {
    const [row] = await this.database.db
      .update(n)
      .set({
        status: sql`CASE WHEN ${n.refetch} THEN 'pending' ELSE ${dead ? 'dead' : 'pending'} END`,
        runAt: sql`CASE WHEN ${n.refetch} THEN now() ELSE now() + make_interval(secs => ${delayMs / 1000}) END`,
        attempts: sql`CASE WHEN ${n.refetch} THEN 0 ELSE ${n.attempts} END`,
        lastError: error.slice(0, 500),
        lockedUntil: null,
      })
      .where(this.leased(claimed))
      .returning({ status: n.status });
    return row?.status;
  }

  private leased(claimed: NotificationRow): SQL | undefined {
    return and(
      eq(n.id, claimed.id),
      eq(n.status, 'processing'),
      eq(n.lockedUntil, claimed.lockedUntil ?? new Date(0)),
    );
  }

  findById(id: string): Promise<NotificationRow | undefined> {
    return this.database.db
      .select()
      .from(n)
      .where(eq(n.id, id))
      .then((rows) => rows[0]);
  }

  list(
    filters: NotificationFilters,
    cursor: Keyset | undefined,
    limit: number,
  ): Promise<NotificationRow[]> {
    const conditions = [
      filters.status && eq(n.status, filters.status),
      filters.topic && eq(n.topic, filters.topic),
      filters.resourceId && eq(n.resourceId, filters.resourceId),
      filters.credentialId && eq(n.credentialId, filters.credentialId),
      filters.credentialIds && inArray(n.credentialId, [...filters.credentialIds]),
      cursor && olderThan(n.receivedAt, n.id, cursor),
    ].filter((c): c is SQL => Boolean(c));
    return this.database.db
      .select()
      .from(n)
      .where(and(...conditions))
      .orderBy(...newestFirst(n.receivedAt, n.id))
      .limit(limit);
  }

  /** Makes a dead, done or waiting row due now with fresh attempts. */
  async retry(id: string): Promise<RetryOutcome> {
    try {
      const [row] = await this.database.db
        .update(n)
        .set({ status: 'pending', attempts: 0, runAt: sql`now()`, lockedUntil: null })
        .where(and(eq(n.id, id), inArray(n.status, ['dead', 'done', 'pending'])))
        .returning();
      if (row) return { kind: 'queued', row };
    } catch (error) {
      if (violates(error, 'mercadopago_notifications_active_idx'))
        return { kind: 'already_queued' };
      throw error;
    }
    const row = await this.findById(id);
    return row ? { kind: 'invalid_state', status: row.status } : { kind: 'missing' };
  }

  async countDead(): Promise<number> {
    const [row] = await this.database.db
      .select({ dead: count() })
      .from(n)
      .where(eq(n.status, 'dead'));
    return Number(row.dead);
  }
}
