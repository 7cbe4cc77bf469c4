import { Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { Executor, Tx } from '../database/database';
import { IdempotencyRow, idempotencyKeys } from './idempotency.schema';

export interface IdempotencyRef {
  owner: string;
  scope: string;
  key: string;
}

const where = (ref: IdempotencyRef) =>
  and(
    eq(idempotencyKeys.owner, ref.owner),
    eq(idempotencyKeys.scope, ref.scope),
    eq(idempotencyKeys.key, ref.key),
  );

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
        ...ref,
        requestHash,
        state: 'in_progress',
        lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
        expiresAt: sql`now() + make_interval(hours => ${ttlHours})`,
      })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /** The row locked for this transaction, with whether its lease and its 24 h have run out. */
  async lock(
    tx: Tx,
    ref: IdempotencyRef,
  ): Promise<(IdempotencyRow & { leaseOver: boolean; expired: boolean }) | undefined> {
    const [row] = await tx
      .select({
        row: idempotencyKeys,
        leaseOver: sql<boolean>`coalesce(${idempotencyKeys.lockedUntil} < now(), true)`,
        expired: sql<boolean>`${idempotencyKeys.expiresAt} < now()`,
      })
      .from(idempotencyKeys)
      .where(where(ref))
      .for('update');
    return row && { ...row.row, leaseOver: row.leaseOver, expired: row.expired };
  }

  async restart(
    tx: Tx,
    ref: IdempotencyRef,
    requestHash: string,
    leaseSeconds: number,
    ttlHours: number,
  ): Promise<IdempotencyRow> {
    const [row] = await tx
      .update(idempotencyKeys)
      .set({
        requestHash,
        state: 'in_progress',
        lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
        resourceId: null,
        responseStatus: null,
        responseBody: null,
        createdAt: sql`now()`,
        expiresAt: sql`now() + make_interval(hours => ${ttlHours})`,
      })
      .where(where(ref))
      .returning();
    return row;
  }

  async lease(tx: Tx, ref: IdempotencyRef, leaseSeconds: number): Promise<void> {
    await tx
      .update(idempotencyKeys)
      .set({
        state: 'in_progress',
        lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(where(ref));
  }

  async setResource(executor: Executor, ref: IdempotencyRef, resourceId: string): Promise<void> {
    await executor.update(idempotencyKeys).set({ resourceId }).where(where(ref));
  }

  async complete(
    executor: Executor,
    ref: IdempotencyRef,
    status: number,
    body: unknown,
  ): Promise<void> {
    await executor
      .update(idempotencyKeys)
      .set({ state: 'done', lockedUntil: null, responseStatus: status, responseBody: body })
      .where(where(ref));
  }

  async release(executor: Executor, ref: IdempotencyRef): Promise<void> {
    await executor
      .update(idempotencyKeys)
      .set({ state: 'open', lockedUntil: null })
      .where(where(ref));
  }

  /** Leases an open (or abandoned) key for background work; false when a caller holds it. */
  async tryLeaseByResource(
    executor: Executor,
    scope: string,
    resourceId: string,
    leaseSeconds: number,
  ): Promise<IdempotencyRef | undefined> {
    const [row] = await executor
      .update(idempotencyKeys)
      .set({
        state: 'in_progress',
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
    return row && { owner: row.owner, scope: row.scope, key: row.key };
  }
}
