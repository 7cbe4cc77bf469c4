import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { stableStringify } from '../common/stable-json';
import { AppConfig } from '../config/app-config';
import { Database, Executor, Tx } from '../database/database';
import { IdempotencyError } from './idempotency.errors';
import {
  IdempotencyKeyId,
  IdempotencyRef,
  IdempotencyRepository,
  keyValues,
} from './idempotency.repository';
import type { Statement } from '../database/statement';

const TTL_HOURS = 24;
const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;

export type IdempotentStart =
  /** First use: the caller owns the key and must create the resource (in the same transaction). */
  | { kind: 'new'; ref: IdempotencyRef; resourceId: string }
  /** A previous attempt did not settle: the caller owns the key again and resumes the resource. */
  | { kind: 'resume'; ref: IdempotencyRef; resourceId: string }
  /** Finished before: answer exactly as then. */
  | { kind: 'replay'; status: number; body: unknown };

export function checkIdempotencyKey(key: string | undefined): string {
  if (key === undefined || key === '') throw IdempotencyError.missing();
  if (!KEY_FORMAT.test(key)) throw IdempotencyError.malformed();
  return key;
}

/** Over the request as understood (e.g. amounts in minor units), so "10.50" and 10.5 agree. */
export const hashRequest = (normalised: unknown) =>
  createHash('sha256').update(stableStringify(normalised)).digest('hex');

/**
 * The caller's Idempotency-Key, as the contract defines it: scoped to the calling token, kept
 * 24 hours; same request → the stored answer; different request → 422; still running → 409.
 * Every holder gets a lease id, and only the current holder may complete or release the key.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly database: Database,
    private readonly keys: IdempotencyRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Claims the key and, for a first use, runs `create` in the same transaction, so the key and the
   * resource it stands for exist together or not at all.
   */
  start(
    id: IdempotencyKeyId,
    normalisedRequest: unknown,
    create: (tx: Tx) => Promise<string>,
  ): Promise<IdempotentStart> {
    return this.startLocked(this.hold(id), hashRequest(normalisedRequest), create);
  }

  /**
   * `start` for a resource whose creation is one insert: `withKey` (made with `KEY_INSERT`) makes
   * key and resource in one statement for a first use, from the resource's `values`; any other
   * use takes the locked path, where `insert` makes the resource.
   */
  async startWith(
    id: IdempotencyKeyId,
    normalisedRequest: unknown,
    resource: {
      id: string;
      withKey: Statement<unknown>;
      values: Record<string, unknown>;
      insert: (tx: Tx) => Promise<unknown>;
    },
  ): Promise<IdempotentStart> {
    const ref = this.hold(id);
    const requestHash = hashRequest(normalisedRequest);
    const lease = this.config.idempotencyLeaseSeconds;
    const values = {
      ...resource.values,
      ...keyValues(ref, requestHash, lease, TTL_HOURS, resource.id),
    };
    if (await this.keys.insertWith(this.database.db, resource.withKey, values)) {
      return { kind: 'new', ref, resourceId: resource.id };
    }
    return this.startLocked(ref, requestHash, async (tx) => {
      await resource.insert(tx);
      return resource.id;
    });
  }

  private hold(id: IdempotencyKeyId): IdempotencyRef {
    return { owner: id.owner, scope: id.scope, key: id.key, leaseId: randomUUID() };
  }

  private startLocked(
    ref: IdempotencyRef,
    requestHash: string,
    create: (tx: Tx) => Promise<string>,
  ): Promise<IdempotentStart> {
    const lease = this.config.idempotencyLeaseSeconds;
    return this.database.transaction(async (tx): Promise<IdempotentStart> => {
      const inserted = await this.keys.insertLeased(tx, ref, requestHash, lease, TTL_HOURS);
      if (!inserted) {
        const row = await this.keys.lock(tx, ref);
        if (row && !row.expired) {
          if (row.requestHash !== requestHash) throw IdempotencyError.reused();
          if (row.state === 'done') {
            return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody };
          }
          if ((row.state === 'in_progress' && !row.leaseOver) || !row.resourceId) {
            throw IdempotencyError.inProgress();
          }
          await this.keys.lease(tx, ref, lease);
          return { kind: 'resume', ref, resourceId: row.resourceId };
        }
        // Past its 24 hours the key is free again (the resource it made stays settleable).
        await this.keys.restart(tx, ref, requestHash, lease, TTL_HOURS);
      }
      const resourceId = await create(tx);
      await this.keys.setResource(tx, ref, resourceId);
      return { kind: 'new', ref, resourceId };
    });
  }

  /**
   * Stores the answer, in the transaction that stores the outcome it describes. Fenced: a holder
   * whose lease was taken over stores nothing (the outcome itself is still recorded); false then.
   */
  async complete(
    executor: Executor,
    ref: IdempotencyRef | undefined,
    status: number,
    body: unknown,
  ): Promise<boolean> {
    if (!ref) return false;
    const stored = await this.keys.complete(executor, ref, status, body);
    if (!stored) this.takenOver(ref);
    return stored;
  }

  /** The statement or transaction that stored `ref`'s answer (or tried to) has committed. */
  answered(ref: IdempotencyRef | undefined, stored: boolean): void {
    if (!ref) return;
    ref.answered = true;
    if (!stored) this.takenOver(ref);
  }

  private takenOver(ref: IdempotencyRef): void {
    this.logger.warn(`Idempotency key of ${ref.scope} was taken over; its answer is not stored`);
  }

  /**
   * Runs `work` for the holder of `ref` and stores its result as the key's 201 answer, unless the
   * work stored it already with the change it answers. When the work fails the key is released
   * for the next try; when the work stored an answer of its own before failing (a refusal, in the
   * transaction that records it), the fenced release finds nothing to release.
   */
  async answer<T>(ref: IdempotencyRef | undefined, work: () => Promise<T>): Promise<T> {
    try {
      const body = await work();
      if (!ref?.answered) await this.complete(this.database.db, ref, 201, body);
      return body;
    } catch (error) {
      await this.release(ref);
      throw error;
    }
  }

  /** The outcome is unknown: let a retry with the same key (or the reconciler) resume it. */
  async release(ref: IdempotencyRef | undefined): Promise<void> {
    if (!ref || ref.answered) return;
    try {
      await this.keys.release(this.database.db, ref);
    } catch (error) {
      // The lease runs out by itself: a failed release delays a retry, it never wedges it.
      this.logger.warn(`Idempotency key of ${ref.scope} not released: ${(error as Error).message}`);
    }
  }

  /**
   * For background work on a resource: its key leased (`busy` while a caller holds it), or
   * undefined when no key is open any more, in which case the work goes on without one.
   */
  async leaseForResource(
    scope: string,
    resourceId: string,
  ): Promise<IdempotencyRef | 'busy' | undefined> {
    const outcome = await this.keys.leaseByResource(
      this.database.db,
      scope,
      resourceId,
      randomUUID(),
      this.config.idempotencyLeaseSeconds,
    );
    return outcome === 'none' ? undefined : outcome;
  }

  /** Removes keys past their 24 hours, one batch; returns how many. */
  purgeExpired(limit: number): Promise<number> {
    return this.keys.purgeExpired(this.database.db, limit);
  }
}
