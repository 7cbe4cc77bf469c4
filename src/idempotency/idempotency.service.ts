import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { stableStringify } from '../common/stable-json';
import { Database, Executor, Tx } from '../database/database';
import { IdempotencyError } from './idempotency.errors';
import { IdempotencyRef, IdempotencyRepository } from './idempotency.repository';

/** Long enough for one Mercado Pago call with the SDK's retries; a crashed holder frees it after. */
const LEASE_SECONDS = 60;
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

export const hashRequest = (body: unknown) =>
  createHash('sha256').update(stableStringify(body)).digest('hex');

/**
 * The caller's Idempotency-Key, as the contract defines it: scoped to the calling token, kept
 * 24 hours; same body → the stored answer; different body → 422; still running → 409.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly database: Database,
    private readonly keys: IdempotencyRepository,
  ) {}

  /**
   * Claims the key and, for a first use, runs `create` in the same transaction, so the key and the
   * resource it stands for exist together or not at all.
   */
  async start(
    ref: IdempotencyRef,
    request: unknown,
    create: (tx: Tx) => Promise<string>,
  ): Promise<IdempotentStart> {
    const requestHash = hashRequest(request);
    return this.database.transaction(async (tx): Promise<IdempotentStart> => {
      const inserted = await this.keys.insertLeased(tx, ref, requestHash, LEASE_SECONDS, TTL_HOURS);
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
          await this.keys.lease(tx, ref, LEASE_SECONDS);
          return { kind: 'resume', ref, resourceId: row.resourceId };
        }
        // Past its 24 hours the key is free again.
        await this.keys.restart(tx, ref, requestHash, LEASE_SECONDS, TTL_HOURS);
      }
      const resourceId = await create(tx);
      await this.keys.setResource(tx, ref, resourceId);
      return { kind: 'new', ref, resourceId };
    });
  }

  /** Stores the answer, in the transaction that stores the outcome it describes. */
  complete(executor: Executor, ref: IdempotencyRef, status: number, body: unknown): Promise<void> {
    return this.keys.complete(executor, ref, status, body);
  }

  /** The outcome is unknown: let a retry with the same key (or the reconciler) resume it. */
  release(ref: IdempotencyRef): Promise<void> {
    return this.keys.release(this.database.db, ref);
  }

  /** For background work: lease the key that owns a resource unless a caller is working on it. */
  leaseForResource(scope: string, resourceId: string): Promise<IdempotencyRef | undefined> {
    return this.keys.tryLeaseByResource(this.database.db, scope, resourceId, LEASE_SECONDS);
  }
}
