import { Injectable } from '@nestjs/common';
import { SQL, and, desc, eq, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { Database } from '../database/database';
import { Keyset, newestFirst, olderThan } from '../database/keyset';
import { OutboxEventRow, outboxEvents as o } from './outbox.schema';
import {
  EventDeliveryRow,
  eventDeliveries as d,
  webhookEndpoints as e,
} from './webhook-endpoints.schema';

/** Any constant: one fan-out at a time across instances keeps deliveries in seq order per subject. */
const FAN_OUT_LOCK = 7_340_112;

export interface AttemptOutcome {
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

export interface EventFilters {
  type?: string;
  subjectId?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

export interface FanOut {
  events: number;
  deliveries: number;
  endpoints: boolean;
}

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** Events (the outbox) and their deliveries: fan-out, the claim queue, settling, listings. */
@Injectable()
export class EventDeliveriesRepository {
  constructor(private readonly database: Database) {}

  /**
   * Turns up to `limit` new outbox events into one pending delivery per endpoint that wants the
   * type and existed when the event happened (a disabled one's wait until it is enabled again).
   * Returns how many events it took (0 when another instance is fanning out), how many
   * deliveries it queued, and whether any endpoint exists at all. Serialised: two concurrent
   * fan-outs could commit a payment's later event first, and its delivery could then be claimed
   * before the earlier one exists.
   */
  async fanOut(limit: number): Promise<FanOut> {
    // One statement, so the lock is held by its own transaction. Its snapshot may predate the
    // commit of the fan-out that held the lock before: deliveries are made only for the events
    // this statement marked (the UPDATE re-checks each row), never for what that one took.
    const [result] = rowsOf<FanOut>(
      await this.database.db.execute(sql`
        WITH lock AS (
          SELECT pg_try_advisory_xact_lock(${FAN_OUT_LOCK}) AS locked
        ), batch AS (
          SELECT id FROM outbox_events
          WHERE NOT fanned_out AND (SELECT locked FROM lock) ORDER BY seq LIMIT ${limit}
        ), marked AS (
          UPDATE outbox_events o SET fanned_out = true FROM batch
          WHERE o.id = batch.id AND NOT o.fanned_out
          RETURNING o.id, o.seq, o.type, o.subject_id, o.created_at
        ), queued AS (
          INSERT INTO event_deliveries
            (endpoint_id, event_id, event_seq, event_type, subject_id, event_created_at, created_at)
          SELECT e.id, m.id, m.seq, m.type, m.subject_id, m.created_at,
                 date_trunc('milliseconds', now())
          FROM marked m JOIN webhook_endpoints e
            ON m.created_at >= e.created_at
           AND (e.event_types IS NULL OR m.type = ANY(e.event_types))
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM marked)::int AS events,
               (SELECT count(*) FROM queued)::int AS deliveries,
               EXISTS (SELECT 1 FROM webhook_endpoints) AS endpoints`),
    );
    return { ...result, events: Number(result.events), deliveries: Number(result.deliveries) };
  }

  /**
   * Claims due deliveries (and those whose lease ran out, their worker having died) for
   * `leaseMs`, skipping any with an earlier delivery of the same payment to the same endpoint
   * still pending or sending, and those of disabled endpoints. `lockedUntil` is the lease token.
   */
  claim(limit: number, leaseMs: number): Promise<EventDeliveryRow[]> {
    const due = this.database.db
      .select({ id: d.id })
      .from(d)
      .where(
        and(
          or(
            and(eq(d.status, 'pending'), sql`${d.runAt} <= now()`),
            and(eq(d.status, 'sending'), lt(d.lockedUntil, sql`now()`)),
          ),
          sql`NOT EXISTS (SELECT 1 FROM event_deliveries p
            WHERE p.endpoint_id = ${d.endpointId} AND p.subject_id = ${d.subjectId}
              AND p.status IN ('pending', 'sending') AND p.event_seq < ${d.eventSeq})`,
          sql`EXISTS (SELECT 1 FROM ${e} WHERE ${e.id} = ${d.endpointId} AND ${e.enabled})`,
        ),
      )
      .orderBy(d.runAt, d.id)
      .limit(limit)
      .for('update', { skipLocked: true });
    return this.database.db
      .update(d)
      .set({
        status: 'sending',
        lockedUntil: sql`date_trunc('milliseconds', now() + make_interval(secs => ${leaseMs / 1000}))`,
        attempts: sql`${d.attempts} + 1`,
      })
      .where(inArray(d.id, due))
      .returning();
  }

  async eventsByIds(ids: string[]): Promise<OutboxEventRow[]> {
    if (ids.length === 0) return [];
    return this.database.db.select().from(o).where(inArray(o.id, ids));
  }

  /** Settles an attempt; a no-op when the lease was lost (another worker took the row over). */
  async settle(
    claimed: EventDeliveryRow,
    outcome: AttemptOutcome,
    next: { status: 'delivered' | 'dead' } | { status: 'pending'; delayMs: number },
  ): Promise<boolean> {
    const rows = await this.database.db
      .update(d)
      .set({
        status: next.status,
        runAt:
          next.status === 'pending'
            ? sql`now() + make_interval(secs => ${next.delayMs / 1000})`
            : undefined,
        deliveredAt: next.status === 'delivered' ? sql`now()` : undefined,
        lockedUntil: null,
        responseStatus: outcome.status,
        responseBody: outcome.body,
        lastError: outcome.error?.slice(0, 500) ?? null,
        durationMs: outcome.durationMs,
        lastAttemptAt: sql`now()`,
      })
      .where(
        and(
          eq(d.id, claimed.id),
          eq(d.status, 'sending'),
          eq(d.lockedUntil, claimed.lockedUntil ?? new Date(0)),
        ),
      )
      .returning({ id: d.id });
    return rows.length > 0;
  }

  listForEndpoint(
    endpointId: string,
    cursor: Keyset | undefined,
    limit: number,
  ): Promise<EventDeliveryRow[]> {
    return this.database.db
      .select()
      .from(d)
      .where(and(eq(d.endpointId, endpointId), cursor && olderThan(d.createdAt, d.id, cursor)))
      .orderBy(...newestFirst(d.createdAt, d.id))
      .limit(limit);
  }

  /** Newest first by seq; `afterSeq` is the last seq of the previous page. */
  listEvents(
    filters: EventFilters,
    afterSeq: number | undefined,
    limit: number,
  ): Promise<OutboxEventRow[]> {
    const conditions = [
      filters.type && eq(o.type, filters.type),
      filters.subjectId && eq(o.subjectId, filters.subjectId),
      filters.createdFrom && gte(o.createdAt, filters.createdFrom),
      filters.createdTo && lte(o.createdAt, filters.createdTo),
      afterSeq !== undefined && lt(o.seq, afterSeq),
    ].filter((c): c is SQL => Boolean(c));
    return this.database.db
      .select()
      .from(o)
      .where(and(...conditions))
      .orderBy(desc(o.seq))
      .limit(limit);
  }

  async findEvent(id: string): Promise<OutboxEventRow | undefined> {
    const [row] = await this.database.db.select().from(o).where(eq(o.id, id));
    return row;
  }

  /**
   * A fresh pending delivery of `event` to each endpoint given, or (none given) to every endpoint
   * it was delivered to before. Returns the endpoints queued.
   */
  async requeue(event: OutboxEventRow, endpointId?: string): Promise<string[]> {
    const targets = endpointId
      ? sql`SELECT ${endpointId}::uuid AS id`
      : sql`SELECT DISTINCT endpoint_id AS id FROM event_deliveries WHERE event_id = ${event.id}`;
    const rows = rowsOf<{ endpoint_id: string }>(
      await this.database.db.execute(sql`
        INSERT INTO event_deliveries
          (endpoint_id, event_id, event_seq, event_type, subject_id, event_created_at, created_at)
        SELECT t.id, ${event.id}, ${event.seq}, ${event.type}, ${event.subjectId},
               ${event.createdAt.toISOString()}::timestamptz, date_trunc('milliseconds', now())
        FROM (${targets}) t JOIN webhook_endpoints e ON e.id = t.id
        RETURNING endpoint_id`),
    );
    return rows.map((row) => row.endpoint_id);
  }

  /** A `ping` to one endpoint: an event of its own (subject: the endpoint), queued at once. */
  async queuePing(endpointId: string, payload: Record<string, unknown>): Promise<OutboxEventRow> {
    return this.database.transaction(async (tx) => {
      const [event] = await tx
        .insert(o)
        .values({ type: 'ping', subjectId: endpointId, payload, fannedOut: true })
        .returning();
      await tx.insert(d).values({
        endpointId,
        eventId: event.id,
        eventSeq: event.seq,
        eventType: event.type,
        subjectId: endpointId,
        eventCreatedAt: event.createdAt,
        createdAt: new Date(),
      });
      return event;
    });
  }

  async countByStatus(status: 'dead' | 'pending'): Promise<number> {
    const [row] = await this.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(d)
      .where(eq(d.status, status));
    return Number(row.n);
  }
}
