import { Injectable } from '@nestjs/common';
import { SQL, and, asc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { Database, Executor, Tx } from '../database/database';
import { Keyset, newestFirst, olderThan } from '../database/keyset';
import { GatewayPayment } from './payment-gateway.port';
import { PaymentStatus, UNSETTLED_STATUSES } from './payment-status';
import { NewPaymentRow, PaymentRow, RefundRow, payments, refunds } from './payments.schema';

export interface PaymentFilters {
  status?: string;
  externalReference?: string;
  payerEmail?: string;
  credentialId?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

/** First re-read of an unsettled payment; doubles per attempt up to the cap. */
const FIRST_SYNC_SECONDS = 30;
const MAX_SYNC_SECONDS = 6 * 3600;

@Injectable()
export class PaymentsRepository {
  constructor(private readonly database: Database) {}

  async insertSubmitting(tx: Tx, values: Omit<NewPaymentRow, 'status'>): Promise<PaymentRow> {
    const [row] = await tx
      .insert(payments)
      .values({
        ...values,
        status: 'submitting',
        // Millisecond timestamps from here keep list cursors exact (JS dates have no microseconds).
        createdAt: new Date(),
        nextSyncAt: sql`now() + make_interval(secs => ${FIRST_SYNC_SECONDS})`,
      })
      .returning();
    return row;
  }

  async findById(executor: Executor, id: string): Promise<PaymentRow | undefined> {
    const [row] = await executor.select().from(payments).where(eq(payments.id, id));
    return row;
  }

  async lockById(tx: Tx, id: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(eq(payments.id, id)).for('update');
    return row;
  }

  async lockByMercadopagoId(tx: Tx, mercadopagoId: number): Promise<PaymentRow | undefined> {
    const [row] = await tx
      .select()
      .from(payments)
      .where(eq(payments.mercadopagoId, mercadopagoId))
      .for('update');
    return row;
  }

  async insertSettled(tx: Tx, values: NewPaymentRow): Promise<PaymentRow> {
    const [row] = await tx
      .insert(payments)
      .values({ ...values, createdAt: values.createdAt ?? new Date() })
      .returning();
    return row;
  }

  /** Writes Mercado Pago's view of the payment; the caller decided it is newer. */
  async applyGateway(tx: Tx, id: string, gateway: GatewayPayment): Promise<PaymentRow> {
    const unsettled = (UNSETTLED_STATUSES as readonly string[]).includes(gateway.status);
    const [row] = await tx
      .update(payments)
      .set({
        mercadopagoId: gateway.mercadopagoId,
        status: gateway.status,
        statusDetail: gateway.statusDetail,
        amount: gateway.amount,
        amountRefunded: gateway.amountRefunded,
        installments: gateway.installments,
        paymentTypeId: gateway.paymentTypeId,
        issuerId: gateway.issuerId,
        captured: gateway.captured,
        cardFirstSixDigits: gateway.cardFirstSixDigits,
        cardLastFourDigits: gateway.cardLastFourDigits,
        liveMode: gateway.liveMode,
        dateApproved: gateway.dateApproved,
        gatewayUpdatedAt: gateway.dateLastUpdated,
        pendingRequest: null,
        failure: null,
        updatedAt: sql`now()`,
        nextSyncAt: unsettled ? sql`now() + make_interval(secs => ${FIRST_SYNC_SECONDS})` : null,
        syncAttempts: 0,
      })
      .where(eq(payments.id, id))
      .returning();
    return row;
  }

  async markFailed(tx: Tx, id: string, failure: unknown): Promise<PaymentRow> {
    const [row] = await tx
      .update(payments)
      .set({
        status: 'failed',
        failure,
        pendingRequest: null,
        nextSyncAt: null,
        updatedAt: sql`now()`,
      })
      .where(eq(payments.id, id))
      .returning();
    return row;
  }

  list(filters: PaymentFilters, cursor: Keyset | undefined, limit: number): Promise<PaymentRow[]> {
    const conditions: (SQL | undefined)[] = [
      filters.status ? eq(payments.status, filters.status) : undefined,
      filters.externalReference
        ? eq(payments.externalReference, filters.externalReference)
        : undefined,
      filters.payerEmail ? eq(payments.payerEmail, filters.payerEmail) : undefined,
      filters.credentialId ? eq(payments.credentialId, filters.credentialId) : undefined,
      filters.createdFrom ? gte(payments.createdAt, filters.createdFrom) : undefined,
      filters.createdTo ? lte(payments.createdAt, filters.createdTo) : undefined,
      cursor ? olderThan(payments.createdAt, payments.id, cursor) : undefined,
    ];
    return this.database.db
      .select()
      .from(payments)
      .where(and(...conditions))
      .orderBy(...newestFirst(payments.createdAt, payments.id))
      .limit(limit);
  }

  /**
   * Claims unsettled payments due for a re-read, pushing their next read back exponentially;
   * SKIP LOCKED lets several instances sweep at once without taking the same rows.
   */
  async claimDueForSync(limit: number): Promise<PaymentRow[]> {
    const due = this.database.db
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(
          inArray(payments.status, UNSETTLED_STATUSES as PaymentStatus[]),
          lte(payments.nextSyncAt, sql`now()`),
        ),
      )
      .orderBy(asc(payments.nextSyncAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    return this.database.db
      .update(payments)
      .set({
        syncAttempts: sql`${payments.syncAttempts} + 1`,
        nextSyncAt: sql`now() + make_interval(secs => least(${FIRST_SYNC_SECONDS} * power(2, ${payments.syncAttempts} + 1), ${MAX_SYNC_SECONDS}))`,
      })
      .where(inArray(payments.id, due))
      .returning();
  }

  // --- refunds ---------------------------------------------------------------------------------

  async insertRefund(
    tx: Tx,
    values: {
      id: string;
      paymentId: string;
      amount: number;
      full: boolean;
      gatewayIdempotencyKey: string;
    },
  ): Promise<RefundRow> {
    const [row] = await tx
      .insert(refunds)
      .values({ ...values, status: 'submitting' })
      .returning();
    return row;
  }

  /** Money already spoken for: refunds approved, and refunds whose outcome is still unknown. */
  async reservedRefunds(
    tx: Tx,
    paymentId: string,
  ): Promise<{ approved: number; submitting: number }> {
    const total = (status: string) =>
      sql<string>`coalesce(sum(${refunds.amount}) filter (where ${refunds.status} = ${status}), 0)`;
    const [row] = await tx
      .select({ approved: total('approved'), submitting: total('submitting') })
      .from(refunds)
      .where(eq(refunds.paymentId, paymentId));
    return { approved: Number(row.approved), submitting: Number(row.submitting) };
  }

  /** amount_refunded never below the refunds we hold as approved. */
  async countApprovedRefunds(tx: Tx, paymentId: string): Promise<void> {
    const approved = tx
      .select({ total: sql`coalesce(sum(${refunds.amount}), 0)` })
      .from(refunds)
      .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, 'approved')));
    await tx
      .update(payments)
      .set({
        amountRefunded: sql`greatest(${payments.amountRefunded}, (${approved}))`,
        updatedAt: sql`now()`,
      })
      .where(eq(payments.id, paymentId));
  }

  async findRefund(executor: Executor, id: string): Promise<RefundRow | undefined> {
    const [row] = await executor.select().from(refunds).where(eq(refunds.id, id));
    return row;
  }

  async settleRefund(
    tx: Tx,
    id: string,
    outcome: { status: string; mercadopagoId?: number; amount?: number; failure?: unknown },
  ): Promise<RefundRow> {
    const [row] = await tx
      .update(refunds)
      .set({ ...outcome, updatedAt: sql`now()` })
      .where(eq(refunds.id, id))
      .returning();
    return row;
  }

  listRefunds(paymentId: string): Promise<RefundRow[]> {
    return this.database.db
      .select()
      .from(refunds)
      .where(eq(refunds.paymentId, paymentId))
      .orderBy(asc(refunds.createdAt), asc(refunds.id));
  }

  submittingRefunds(limit: number): Promise<RefundRow[]> {
    return this.database.db
      .select()
      .from(refunds)
      .where(
        and(
          eq(refunds.status, 'submitting'),
          lt(refunds.updatedAt, sql`now() - interval '1 minute'`),
        ),
      )
      .orderBy(asc(refunds.updatedAt))
      .limit(limit);
  }
}
