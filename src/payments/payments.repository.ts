import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import {
  SQL,
  and,
  asc,
  eq,
  getTableColumns,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  sql,
} from 'drizzle-orm';
import { AppConfig } from '../config/app-config';
import { Database, Executor, Tx } from '../database/database';
import { Keyset, newestFirst, olderThan } from '../database/keyset';
import { Statement, param } from '../database/statement';
import { NewEvent, OutboxRepository } from '../events/outbox.repository';
import {
  IdempotencyRef,
  KEY_INSERT,
  completion,
  completionValues,
} from '../idempotency/idempotency.repository';
import { GatewayPayment, GatewayRefund } from './payment-gateway.port';
import {
  PaymentStatus,
  RESERVED_REFUND_STATUSES,
  RefundStatus,
  UNSETTLED_STATUSES,
  WATCHED_STATUSES,
} from './payment-status';
import { NewPaymentRow, PaymentRow, RefundRow, payments, refunds } from './payments.schema';

/** What a caller decides about a new payment; the rest starts as every submitting payment does. */
export type SubmittingPayment = Pick<
  PaymentRow,
  | 'id'
  | 'credentialId'
  | 'liveMode'
  | 'createdBy'
  | 'currencyId'
  | 'amount'
  | 'installments'
  | 'paymentMethodId'
  | 'issuerId'
  | 'capture'
  | 'binaryMode'
  | 'externalReference'
  | 'description'
  | 'statementDescriptor'
  | 'metadata'
  | 'payerEmail'
  | 'additionalInfo'
  | 'deviceId'
  | 'threeDSecureMode'
  | 'pendingRequest'
  | 'gatewayIdempotencyKey'
>;

export interface PaymentFilters {
  status?: string;
  externalReference?: string;
  payerEmail?: string;
  credentialId?: string;
  /** The caller's token is limited to these credentials. */
  credentialIds?: readonly string[];
  createdFrom?: Date;
  createdTo?: Date;
}

const MAX_SYNC_SECONDS = 6 * 3600;

const COLUMNS = getTableColumns(payments);
const JSON_COLUMNS = new Set<string>([
  'metadata',
  'pendingRequest',
  'failure',
  'additionalInfo',
  'threeDsInfo',
  'feeDetails',
]);

/** Placeholder values of a row or of changes to one: JSON columns as text (see `Statement`). */
function statementValues(row: Partial<PaymentRow>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    values[key] = JSON_COLUMNS.has(key) && value !== null ? JSON.stringify(value) : value;
  }
  return values;
}

const PAYMENT_INSERT = sql`INSERT INTO ${payments} (${sql.join(
  Object.values(COLUMNS).map((column) => sql.identifier(column.name)),
  sql`, `,
)}) VALUES (${sql.join(
  Object.keys(COLUMNS).map((key) => param(key)),
  sql`, `,
)})`;

const SETTLEMENT_COLUMNS = [
  'feeDetails',
  'netReceivedAmount',
  'totalPaidAmount',
  'installmentAmount',
  'overpaidAmount',
  'moneyReleaseDate',
  'moneyReleaseStatus',
] as const satisfies (keyof PaymentRow)[];
export type SettlementColumns = Pick<PaymentRow, (typeof SETTLEMENT_COLUMNS)[number]>;

/** Mercado Pago's fees and release as our columns hold them. */
export function settlementColumns(gateway: GatewayPayment): SettlementColumns {
  return {
    feeDetails:
      gateway.feeDetails?.map((fee) => ({
        type: fee.type,
        amount: fee.amount,
        fee_payer: fee.feePayer,
      })) ?? null,
    netReceivedAmount: gateway.netReceivedAmount,
    totalPaidAmount: gateway.totalPaidAmount,
    installmentAmount: gateway.installmentAmount,
    overpaidAmount: gateway.overpaidAmount,
    moneyReleaseDate: gateway.moneyReleaseDate,
    moneyReleaseStatus: gateway.moneyReleaseStatus,
  };
}

/** The columns Mercado Pago's view of a payment sets on ours. */
const GATEWAY_COLUMNS = [
  'mercadopagoId',
  'status',
  'statusDetail',
  'amount',
  'amountRefunded',
  'installments',
  'paymentTypeId',
  'issuerId',
  'captured',
  'cardFirstSixDigits',
  'cardLastFourDigits',
  'liveMode',
  'dateApproved',
  'gatewayUpdatedAt',
  'threeDsInfo',
  'pendingRequest',
  'failure',
  'updatedAt',
  'nextSyncAt',
  'syncAttempts',
  ...SETTLEMENT_COLUMNS,
] as const satisfies (keyof PaymentRow)[];
export type GatewayChanges = Pick<PaymentRow, (typeof GATEWAY_COLUMNS)[number]>;

function firstAnswerStatement(name: string, keyed: boolean): Statement<Record<string, number>> {
  const set = sql.join(
    GATEWAY_COLUMNS.map((key) => sql`${sql.identifier(COLUMNS[key].name)} = ${param(key)}`),
    sql`, `,
  );
  const applied = sql`EXISTS (SELECT 1 FROM applied)`;
  return new Statement(
    name,
    sql`WITH applied AS (
        UPDATE ${payments} SET ${set} WHERE id = ${param('id')}::uuid AND status = 'submitting' RETURNING id
      ),
      events AS (${OutboxRepository.appendIf(applied)}),
      answered AS (${keyed ? completion(applied) : sql`SELECT 1 WHERE false`})
    SELECT (SELECT count(*) FROM applied)::int AS applied, (SELECT count(*) FROM answered)::int AS answered`,
  );
}

@Injectable()
export class PaymentsRepository {
  /**
   * When the sweep looks at a payment again: unsettled ones from `firstSeconds`, doubling up to
   * 6 hours; approved and in-mediation ones along `watchSeconds` (never empty).
   */
  private readonly schedule: AppConfig['payments']['sync'];

  private readonly byMercadopagoId;

  constructor(
    private readonly database: Database,
    config: AppConfig,
  ) {
    this.schedule = config.payments.sync;
    this.byMercadopagoId = database.db
      .select()
      .from(payments)
      .where(eq(payments.mercadopagoId, sql.placeholder('mercadopagoId')))
      .prepare('payment_by_mercadopago_id');
  }

  private readonly insertStatement = new Statement('payment_insert', PAYMENT_INSERT);

  /** A new payment with its idempotency key, one statement: see `IdempotencyService.startWith`. */
  readonly insertWithKey = new Statement(
    'payment_insert_with_key',
    sql`WITH new_key AS (${KEY_INSERT}) ${PAYMENT_INSERT}`,
  );

  private readonly firstAnswer = firstAnswerStatement('payment_first_answer', true);
  private readonly firstAnswerUnkeyed = firstAnswerStatement('payment_first_answer_unkeyed', false);

  /**
   * A new submitting payment: the row exactly as it will be stored (so nothing reads it back),
   * and the values of `insertWithKey` / `insertSubmitting` that store it.
   */
  submitting(values: SubmittingPayment): { row: PaymentRow; values: Record<string, unknown> } {
    // Millisecond timestamps from here keep list cursors exact (JS dates have no microseconds).
    const now = new Date();
    const row: PaymentRow = {
      ...values,
      status: 'submitting',
      mercadopagoId: null,
      statusDetail: null,
      amountRefunded: 0,
      paymentTypeId: null,
      captured: false,
      cardFirstSixDigits: null,
      cardLastFourDigits: null,
      threeDsInfo: null,
      failure: null,
      dateApproved: null,
      gatewayUpdatedAt: null,
      createdAt: now,
      updatedAt: now,
      nextSyncAt: this.firstSync('submitting', now),
      syncAttempts: 0,
      feeDetails: null,
      netReceivedAmount: null,
      totalPaidAmount: null,
      installmentAmount: null,
      overpaidAmount: null,
      moneyReleaseDate: null,
      moneyReleaseStatus: null,
    };
    return { row, values: statementValues(row) };
  }

  async insertSubmitting(tx: Tx, values: Record<string, unknown>): Promise<void> {
    await this.insertStatement.run(tx, values);
  }

  findByMercadopagoId(mercadopagoId: number): Promise<PaymentRow | undefined> {
    return this.byMercadopagoId.execute({ mercadopagoId }).then(([row]) => row);
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

  /** Our payment that sent this reference and is not yet linked to a Mercado Pago payment. */
  async lockUnlinked(
    tx: Tx,
    credentialId: string,
    reference: string,
  ): Promise<PaymentRow | undefined> {
    // Metadata is anyone's to write in Mercado Pago's panel: only a well-formed id is looked up.
    if (!isUUID(reference)) return undefined;
    const [row] = await tx
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.id, reference),
          eq(payments.credentialId, credentialId),
          isNull(payments.mercadopagoId),
        ),
      )
      .for('update');
    return row;
  }

  /** A payment made outside this service; undefined when another transaction just recorded it. */
  async insertExternal(
    tx: Tx,
    values: NewPaymentRow & { status: PaymentStatus },
  ): Promise<PaymentRow | undefined> {
    const [row] = await tx
      .insert(payments)
      .values({ ...values, nextSyncAt: this.firstSync(values.status) })
      .onConflictDoNothing({ target: payments.mercadopagoId })
      .returning();
    return row;
  }

  /** What Mercado Pago's view changes on our row: applied as is, so the result is known here. */
  gatewayChanges(gateway: GatewayPayment): GatewayChanges {
    return {
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
      threeDsInfo: gateway.threeDsInfo,
      pendingRequest: null,
      failure: null,
      updatedAt: new Date(),
      nextSyncAt: this.firstSync(gateway.status),
      syncAttempts: 0,
      ...settlementColumns(gateway),
    } satisfies GatewayChanges;
  }

  /** Writes Mercado Pago's view of the payment; the caller decided it is newer. */
  async applyGateway(tx: Tx, id: string, gateway: GatewayPayment): Promise<PaymentRow> {
    const [row] = await tx
      .update(payments)
      .set(this.gatewayChanges(gateway))
      .where(eq(payments.id, id))
      .returning();
    return row;
  }

  /**
   * Mercado Pago's first answer in one statement: `changes` onto payment `id` while it is still
   * submitting and, only when they were applied, its `events` and the key's `answer`. False,
   * with nothing written, when something else settled the payment first.
   */
  async applyFirstAnswer(
    id: string,
    changes: GatewayChanges,
    events: NewEvent[],
    answer?: { ref: IdempotencyRef; status: number; body: unknown },
  ): Promise<{ applied: boolean; answered: boolean }> {
    const values = {
      ...statementValues(changes),
      id,
      ...OutboxRepository.appendValues(events),
      ...(answer && completionValues(answer.ref, answer.status, answer.body)),
    };
    const statement = answer ? this.firstAnswer : this.firstAnswerUnkeyed;
    const [row] = await statement.run(this.database.db, values);
    return { applied: row.applied > 0, answered: row.answered > 0 };
  }

  /** Ends a payment without a charge: refused (`failed`) or never made (`abandoned`). */
  async markEnded(
    tx: Tx,
    id: string,
    status: 'failed' | 'abandoned',
    failure: unknown,
  ): Promise<PaymentRow> {
    const [row] = await tx
      .update(payments)
      .set({
        status,
        failure,
        pendingRequest: null,
        nextSyncAt: null,
        updatedAt: sql`now()`,
      })
      .where(eq(payments.id, id))
      .returning();
    return row;
  }

  /** Asks the sweep to re-read this payment after `seconds` (by default its first step). */
  async scheduleSync(
    executor: Executor,
    id: string,
    seconds = this.schedule.firstSeconds,
  ): Promise<void> {
    await executor
      .update(payments)
      .set({
        nextSyncAt: sql`least(coalesce(${payments.nextSyncAt}, 'infinity'), now() + make_interval(secs => ${seconds}))`,
        syncAttempts: 0,
      })
      .where(eq(payments.id, id));
  }

  private firstSync(status: PaymentStatus, from = new Date()): Date | null {
    const steps = UNSETTLED_STATUSES.includes(status)
      ? this.schedule.firstSeconds
      : WATCHED_STATUSES.includes(status)
        ? this.schedule.watchSeconds[0]
        : undefined;
    return steps === undefined ? null : new Date(from.getTime() + steps * 1000);
  }

  list(filters: PaymentFilters, cursor: Keyset | undefined, limit: number): Promise<PaymentRow[]> {
    const conditions: (SQL | undefined)[] = [
      filters.status ? eq(payments.status, filters.status) : undefined,
      filters.externalReference
        ? eq(payments.externalReference, filters.externalReference)
        : undefined,
      filters.payerEmail ? eq(payments.payerEmail, filters.payerEmail) : undefined,
      filters.credentialId ? eq(payments.credentialId, filters.credentialId) : undefined,
      filters.credentialIds
        ? inArray(payments.credentialId, [...filters.credentialIds])
        : undefined,
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
   * Claims payments due for a re-read and pushes their next read back: unsettled ones (or ones
   * with refunds still open) exponentially, watched ones along the decaying schedule (in
   * mediation, its last step repeats until it ends), others never. SKIP LOCKED lets several
   * instances sweep at once without taking the same rows.
   */
  async claimDueForSync(limit: number): Promise<PaymentRow[]> {
    const due = this.database.db
      .select({ id: payments.id })
      .from(payments)
      .where(lte(payments.nextSyncAt, sql`now()`))
      .orderBy(asc(payments.nextSyncAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const { firstSeconds, watchSeconds } = this.schedule;
    const steps = sql`ARRAY[${sql.join(
      watchSeconds.map((seconds) => sql`${seconds}`),
      sql`, `,
    )}]::int[]`;
    const openRefunds = sql`EXISTS (SELECT 1 FROM ${refunds} WHERE ${refunds.paymentId} = ${payments.id} AND ${inArray(refunds.status, RESERVED_REFUND_STATUSES)})`;
    const fast = sql`now() + make_interval(secs => least(${firstSeconds} * power(2, ${payments.syncAttempts} + 1), ${MAX_SYNC_SECONDS}))`;
    const next = sql`CASE
      WHEN ${inArray(payments.status, UNSETTLED_STATUSES)} OR ${openRefunds} THEN ${fast}
      WHEN ${payments.status} = 'in_mediation' THEN now() + make_interval(secs => coalesce((${steps})[${payments.syncAttempts} + 2], ${watchSeconds[watchSeconds.length - 1]}))
      WHEN ${inArray(payments.status, WATCHED_STATUSES)} THEN now() + make_interval(secs => (${steps})[${payments.syncAttempts} + 2])
      ELSE NULL END`;
    return this.database.db
      .update(payments)
      .set({ syncAttempts: sql`${payments.syncAttempts} + 1`, nextSyncAt: next })
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

  /** A refund Mercado Pago made without us (its panel); nothing when already recorded. */
  async insertExternalRefund(tx: Tx, paymentId: string, refund: GatewayRefund): Promise<void> {
    await tx
      .insert(refunds)
      .values({
        paymentId,
        mercadopagoId: refund.mercadopagoId,
        status: refund.status,
        amount: refund.amount,
        full: false,
        origin: 'mercadopago',
        gatewayIdempotencyKey: `mps-external-refund-${refund.mercadopagoId}`,
        // The settlement export dates a refund by when Mercado Pago made it.
        ...(refund.dateCreated && { createdAt: refund.dateCreated }),
      })
      .onConflictDoNothing({ target: refunds.mercadopagoId });
  }

  /** Money already spoken for: refunds approved, and refunds still open (unknown or in process). */
  async reservedRefunds(tx: Tx, paymentId: string): Promise<{ approved: number; open: number }> {
    const [row] = await tx
      .select({
        approved: sql<string>`coalesce(sum(${refunds.amount}) filter (where ${refunds.status} = 'approved'), 0)`,
        open: sql<string>`coalesce(sum(${refunds.amount}) filter (where ${inArray(refunds.status, RESERVED_REFUND_STATUSES)}), 0)`,
      })
      .from(refunds)
      .where(eq(refunds.paymentId, paymentId));
    return { approved: Number(row.approved), open: Number(row.open) };
  }

  async findRefund(executor: Executor, id: string): Promise<RefundRow | undefined> {
    const [row] = await executor.select().from(refunds).where(eq(refunds.id, id));
    return row;
  }

  async settleRefund(
    tx: Tx,
    id: string,
    outcome: { status: RefundStatus; mercadopagoId?: number; amount?: number; failure?: unknown },
  ): Promise<RefundRow> {
    const [row] = await tx
      .update(refunds)
      .set({ ...outcome, updatedAt: sql`now()` })
      .where(eq(refunds.id, id))
      .returning();
    return row;
  }

  listRefunds(executor: Executor, paymentId: string): Promise<RefundRow[]> {
    return executor
      .select()
      .from(refunds)
      .where(eq(refunds.paymentId, paymentId))
      .orderBy(asc(refunds.createdAt), asc(refunds.id));
  }

  /** Refunds whose answer never came, a first re-read step on: the reconciler re-sends them. */
  submittingRefunds(limit: number): Promise<RefundRow[]> {
    return this.database.db
      .select()
      .from(refunds)
      .where(
        and(
          eq(refunds.status, 'submitting'),
          lt(refunds.updatedAt, sql`now() - make_interval(secs => ${this.schedule.firstSeconds})`),
        ),
      )
      .orderBy(asc(refunds.updatedAt))
      .limit(limit);
  }
}
