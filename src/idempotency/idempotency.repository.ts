import { Injectable } from '@nestjs/common';
import { SQL, and, eq, sql } from 'drizzle-orm';
import { Executor, Tx } from '../database/database';
import { violates } from '../database/errors';
import { Statement, param } from '../database/statement';
import { IdempotencyRow, idempotencyKeys } from './idempotency.schema';

export interface IdempotencyKeyId {
  owner: string;
  scope: string;
  key: string;
}

/** A key as held by one holder: `leaseId` fences its completion against a later holder. */
export interface IdempotencyRef extends IdempotencyKeyId {
  leaseId: string;
  /** Set once the answer is committed, so nothing completes or releases the key again. */
  answered?: boolean;
}

const where = (id: IdempotencyKeyId) =>
  and(
    eq(idempotencyKeys.owner, id.owner),
    eq(idempotencyKeys.scope, id.scope),
    eq(idempotencyKeys.key, id.key),
  );
const held = (ref: IdempotencyRef) => and(where(ref), eq(idempotencyKeys.leaseId, ref.leaseId));
const leaseFor = (ref: IdempotencyRef, leaseSeconds: number) => ({
  state: 'in_progress',
  leaseId: ref.leaseId,
  lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
});

const k = idempotencyKeys;

/**
 * A first use's key, leased and pointing at its resource, for a statement that inserts both
 * (the `WITH` part of it); values from `keyValues`.
 */
export const KEY_INSERT = sql`INSERT INTO ${k} (owner, scope, key, request_hash, state, lease_id, locked_until, resource_id, expires_at)
  VALUES (${param('key_owner')}, ${param('key_scope')}, ${param('key_key')}, ${param('key_hash')}, 'in_progress', ${param('key_lease')}::uuid,
    now() + make_interval(secs => ${param('key_lease_seconds')}::int), ${param('key_resource')}::uuid,
    now() + make_interval(hours => ${param('key_ttl_hours')}::int))`;

export const keyValues = (
  ref: IdempotencyRef,
  requestHash: string,
  leaseSeconds: number,
  ttlHours: number,
  resourceId: string,
) => ({
  key_owner: ref.owner,
  key_scope: ref.scope,
  key_key: ref.key,
  key_hash: requestHash,
  key_lease: ref.leaseId,
  key_lease_seconds: leaseSeconds,
  key_resource: resourceId,
  key_ttl_hours: ttlHours,
});

/**
 * `complete` inside a statement that makes the change it answers: stores the answer only while
 * the holder still holds the lease and `condition` holds; returns the key when stored. Values
 * from `completionValues`.
 */
export const completion = (condition: SQL) =>
  sql`UPDATE ${k} SET state = 'done', locked_until = NULL, lease_id = NULL,
    response_status = ${param('answer_status')}::int, response_body = ${param('answer_body')}::jsonb
  WHERE owner = ${param('answer_owner')} AND scope = ${param('answer_scope')} AND key = ${param('answer_key')}
    AND lease_id = ${param('answer_lease')}::uuid AND ${condition}
  RETURNING key`;

export const completionValues = (ref: IdempotencyRef, status: number, body: unknown) => ({
  answer_owner: ref.owner,
  answer_scope: ref.scope,
  answer_key: ref.key,
  answer_lease: ref.leaseId,
  answer_status: status,
  answer_body: JSON.stringify(body),
});

@Injectable()
export class IdempotencyRepository {
  /** Inserts a leased in_progress row; undefined when the key already exists. */
  async insertLeased(
    tx: Tx,
    ref: IdempotencyRef,
    requestHash: string,
    leaseSeconds: number,
    ttlHours: number,
  ): Promise<IdempotencyRow | undefined> {
    const [row] = await tx
      .insert(idempotencyKeys)
      .values({
        owner: ref.owner,
        scope: ref.scope,
        key: ref.key,
        requestHash,
        ...leaseFor(ref, leaseSeconds),
        expiresAt: sql`now() + make_interval(hours => ${ttlHours})`,
      })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /**
   * A first use in one statement (`withKey`, made with `keyInsert`): the leased key, already
   * pointing at its resource, and the resource's own insert. False, with nothing written, when
   * the key exists.
   */
  async insertWith(
    executor: Executor,
    withKey: Statement<unknown>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await withKey.run(executor, values);
      return true;
    } catch (error) {
      if (violates(error, 'idempotency_keys_owner_scope_key_pk')) return false;
      throw error;
    }
  }

  /** The row locked for this transaction, with whether its lease and its 24 h have run out. */
  async lock(
    tx: Tx,
    id: IdempotencyKeyId,
  ): Promise<(IdempotencyRow & { leaseOver: boolean; expired: boolean }) | undefined> {
    const [row] = await tx
      .select({
        row: idempotencyKeys,
        leaseOver: sql<boolean>`coalesce(${idempotencyKeys.lockedUntil} < now(), true)`,
        expired: sql<boolean>`${idempotencyKeys.expiresAt} < now()`,
      })
      .from(idempotencyKeys)
      .where(where(id))
      .for('update');
    return row && { ...row.row, leaseOver: row.leaseOver, expired: row.expired };
  }

  async restart(
    tx: Tx,
    ref: IdempotencyRef,
    requestHash: string,
    leaseSeconds: number,
    ttlHours: number,
  ): Promise<void> {
    await tx
      .update(idempotencyKeys)
      .set({
        requestHash,
        ...leaseFor(ref, leaseSeconds),
        resourceId: null,
        responseStatus: null,
        responseBody: null,
        createdAt: sql`now()`,
        expiresAt: sql`now() + make_interval(hours => ${ttlHours})`,
      })
      .where(where(ref));
  }

  async lease(tx: Tx, ref: IdempotencyRef, leaseSeconds: number): Promise<void> {
    await tx.update(idempotencyKeys).set(leaseFor(ref, leaseSeconds)).where(where(ref));
  }

  async setResource(executor: Executor, ref: IdempotencyRef, resourceId: string): Promise<void> {
    await executor.update(idempotencyKeys).set({ resourceId }).where(held(ref));
  }

  /** Stores the answer, only while `ref` still holds the lease; false when it no longer does. */
  async complete(
    executor: Executor,
    ref: IdempotencyRef,
    status: number,
    body: unknown,
  ): Promise<boolean> {
    const rows = await executor
      .update(idempotencyKeys)
      .set({
        state: 'done',
        lockedUntil: null,
        leaseId: null,
        responseStatus: status,
        responseBody: body,
      })
      .where(held(ref))
      .returning({ key: idempotencyKeys.key });
    return rows.length > 0;
  }

  async release(executor: Executor, ref: IdempotencyRef): Promise<void> {
    await executor
      .update(idempotencyKeys)
      .set({ state: 'open', lockedUntil: null, leaseId: null })
      .where(held(ref));
  }

  /**
   * Leases the key that owns a resource for background work: the ref, `busy` while a caller
   * holds a live lease, `none` when there is no open key (finished, or purged after its 24 h).
   */
  async leaseByResource(
    executor: Executor,
    scope: string,
    resourceId: string,
    leaseId: string,
    leaseSeconds: number,
  ): Promise<IdempotencyRef | 'busy' | 'none'> {
    const [row] = await executor
      .update(idempotencyKeys)
      .set({
        state: 'in_progress',
        leaseId,
        lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(
        and(
          eq(idempotencyKeys.scope, scope),
          eq(idempotencyKeys.resourceId, resourceId),
          sql`(${idempotencyKeys.state} = 'open' OR (${idempotencyKeys.state} = 'in_progress' AND ${idempotencyKeys.lockedUntil} < now()))`,
        ),
      )
      .returning();
    if (row) return { owner: row.owner, scope: row.scope, key: row.key, leaseId };
    const [live] = await executor
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.scope, scope),
          eq(idempotencyKeys.resourceId, resourceId),
          eq(idempotencyKeys.state, 'in_progress'),
        ),
      );
    return live ? 'busy' : 'none';
  }

  /** Deletes up to `limit` keys past their 24 h (a batch keeps each delete short); how many. */
  async purgeExpired(executor: Executor, limit: number): Promise<number> {
    const k = idempotencyKeys;
    const rows = await executor
      .delete(k)
      .where(
        sql`(${k.owner}, ${k.scope}, ${k.key}) IN (SELECT owner, scope, key FROM ${k} WHERE ${k.expiresAt} < now() LIMIT ${limit})`,
      )
      .returning({ key: k.key });
    return rows.length;
  }
}
