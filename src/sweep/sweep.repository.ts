import { Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import { credentials } from '../credentials/credentials.schema';
import { Database } from '../database/database';
import { payments } from '../payments/payments.schema';
import { PaymentSweepRow, paymentSweeps } from './sweep.schema';

/** Where a sweep stands: the latest date_last_updated applied and the ids applied at it. */
export interface SweepCursor {
  at: Date | null;
  ids: number[];
}

/** What we hold of a payment, enough to tell whether a search result changes anything. */
export interface HeldPayment {
  mercadopagoId: number;
  status: string;
  amountRefunded: number;
  gatewayUpdatedAt: Date | null;
}

export type SweepOutcome = 'completed' | 'partial' | 'failed';

@Injectable()
export class SweepRepository {
  constructor(private readonly database: Database) {}

  /** Live credentials without a row get one, due at once: their first sweep. */
  async addNewCredentials(): Promise<void> {
    await this.database.db.execute(
      sql`INSERT INTO ${paymentSweeps} (credential_id)
        SELECT ${credentials.id} FROM ${credentials} WHERE ${credentials.deletedAt} IS NULL
        ON CONFLICT DO NOTHING`,
    );
  }

  /**
   * Leases one due sweep to `owner` and sets its next run, or undefined when none is due or each
   * is leased. The lease is checked again on the row itself: a row another instance leased
   * between the look and the update is not taken twice. `done` are passed by (swept already).
   */
  async claim(
    owner: string,
    intervalSeconds: number,
    leaseSeconds: number,
    done: string[],
  ): Promise<PaymentSweepRow | undefined> {
    const free = or(isNull(paymentSweeps.leasedUntil), lt(paymentSweeps.leasedUntil, sql`now()`));
    const due = this.database.db
      .select({ credentialId: paymentSweeps.credentialId })
      .from(paymentSweeps)
      .innerJoin(credentials, eq(credentials.id, paymentSweeps.credentialId))
      .where(
        and(
          lte(paymentSweeps.nextRunAt, sql`now()`),
          free,
          isNull(credentials.deletedAt),
          done.length > 0 ? notInArray(paymentSweeps.credentialId, done) : undefined,
        ),
      )
      .orderBy(asc(paymentSweeps.nextRunAt))
      .limit(1)
      .for('update', { of: paymentSweeps, skipLocked: true });
    const [row] = await this.database.db
      .update(paymentSweeps)
      .set({
        leaseOwner: owner,
        leasedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
        nextRunAt: sql`now() + make_interval(secs => ${intervalSeconds})`,
      })
      .where(and(eq(paymentSweeps.credentialId, sql`(${due})`), free))
      .returning();
    return row;
  }

  /** Stores a page's progress and renews the lease; false when the lease was lost meanwhile. */
  async advance(
    credentialId: string,
    owner: string,
    cursor: SweepCursor,
    leaseSeconds: number,
  ): Promise<boolean> {
    const rows = await this.database.db
      .update(paymentSweeps)
      .set({
        cursorAt: cursor.at,
        cursorIds: cursor.ids,
        leasedUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
      })
      .where(this.leasedBy(credentialId, owner))
      .returning({ credentialId: paymentSweeps.credentialId });
    return rows.length === 1;
  }

  /** Ends a run and gives the lease back; `sweptUntil` only when the run read all there was. */
  async finish(
    credentialId: string,
    owner: string,
    outcome: SweepOutcome,
    sweptUntil: Date | undefined,
    error: string | null,
  ): Promise<void> {
    await this.database.db
      .update(paymentSweeps)
      .set({
        leaseOwner: null,
        leasedUntil: null,
        lastRunAt: sql`now()`,
        lastOutcome: outcome,
        lastError: error,
        ...(sweptUntil ? { sweptUntil } : {}),
      })
      .where(this.leasedBy(credentialId, owner));
  }

  /** Seconds since each credentials' sweep last read all there was, for the lag metric. */
  async lags(): Promise<{ credentialId: string; seconds: number }[]> {
    const rows = await this.database.db
      .select({
        credentialId: paymentSweeps.credentialId,
        seconds: sql<string>`extract(epoch from now() - ${paymentSweeps.sweptUntil})`,
      })
      .from(paymentSweeps)
      .innerJoin(credentials, eq(credentials.id, paymentSweeps.credentialId))
      .where(and(isNull(credentials.deletedAt), sql`${paymentSweeps.sweptUntil} IS NOT NULL`));
    return rows.map((row) => ({ credentialId: row.credentialId, seconds: Number(row.seconds) }));
  }

  /** One read for a page of search results. */
  async held(mercadopagoIds: number[]): Promise<Map<number, HeldPayment>> {
    if (mercadopagoIds.length === 0) return new Map();
    const rows = await this.database.db
      .select({
        mercadopagoId: payments.mercadopagoId,
        status: payments.status,
        amountRefunded: payments.amountRefunded,
        gatewayUpdatedAt: payments.gatewayUpdatedAt,
      })
      .from(payments)
      .where(inArray(payments.mercadopagoId, mercadopagoIds));
    return new Map(rows.map((row) => [row.mercadopagoId as number, row as HeldPayment]));
  }

  private leasedBy(credentialId: string, owner: string) {
    return and(eq(paymentSweeps.credentialId, credentialId), eq(paymentSweeps.leaseOwner, owner));
  }
}
