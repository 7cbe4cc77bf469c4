import { Injectable } from '@nestjs/common';
import { SQL, and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { Database } from '../database/database';
import { disputeOpenedAt, disputes } from '../disputes/disputes.schema';
import { payments, refunds } from '../payments/payments.schema';

export interface SettlementFilter {
  from: Date;
  to: Date;
  credentialId?: string;
  /** The caller's token is limited to these credentials. */
  credentialIds?: readonly string[];
}

/**
 * A position in an oldest-first read: the last row's timestamp as PostgreSQL's text (a JS Date
 * would drop its microseconds, and the next batch would repeat rows) and its id.
 */
interface Position {
  at: string;
  id: string;
}

type Timestamp = AnyPgColumn | SQL;

const after = (at: Timestamp, id: AnyPgColumn, position: Position | undefined) =>
  position && sql`(${at}, ${id}) > (${position.at}::timestamptz, ${position.id}::uuid)`;

const exact = (at: Timestamp) => sql<string>`${at}::text`;

/** `[from, to)`, the bounds cast here: an expression gives drizzle no column to encode a Date. */
const within = (at: Timestamp, filter: SettlementFilter) =>
  sql`${at} >= ${filter.from.toISOString()}::timestamptz AND ${at} < ${filter.to.toISOString()}::timestamptz`;

/** Reads batch after batch, each from the last row's position, until one comes back short. */
async function* keyset<R extends { id: string; position: string }>(
  batch: number,
  read: (position: Position | undefined) => PromiseLike<R[]>,
): AsyncGenerator<R[]> {
  let position: Position | undefined;
  for (;;) {
    const rows = await read(position);
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
    const last = rows[rows.length - 1];
    position = { at: last.position, id: last.id };
  }
}

/** What the row of a refund or a chargeback shows of its payment. */
const MOVED_PAYMENT = {
  paymentId: payments.id,
  mercadopagoId: payments.mercadopagoId,
  credentialId: payments.credentialId,
  externalReference: payments.externalReference,
  currencyId: payments.currencyId,
  installments: payments.installments,
  paymentMethodId: payments.paymentMethodId,
  dateApproved: payments.dateApproved,
};

const PAYMENT_FIELDS = {
  id: payments.id,
  mercadopagoId: payments.mercadopagoId,
  credentialId: payments.credentialId,
  externalReference: payments.externalReference,
  currencyId: payments.currencyId,
  amount: payments.amount,
  amountRefunded: payments.amountRefunded,
  installments: payments.installments,
  paymentMethodId: payments.paymentMethodId,
  feeDetails: payments.feeDetails,
  netReceivedAmount: payments.netReceivedAmount,
  moneyReleaseDate: payments.moneyReleaseDate,
  moneyReleaseStatus: payments.moneyReleaseStatus,
  dateApproved: payments.dateApproved,
  position: exact(payments.dateApproved),
};

/**
 * Reads the money movements of a window oldest first, in keyset batches (each one index range
 * from where the last stopped), so an export never holds more than a batch.
 */
@Injectable()
export class SettlementsRepository {
  constructor(private readonly database: Database) {}

  private credentials(filter: SettlementFilter): (SQL | undefined)[] {
    return [
      filter.credentialId ? eq(payments.credentialId, filter.credentialId) : undefined,
      filter.credentialIds ? inArray(payments.credentialId, [...filter.credentialIds]) : undefined,
    ];
  }

  /** Payments approved in the window: the money they brought in. */
  approvedPayments(filter: SettlementFilter, batch: number) {
    return keyset(batch, (position) =>
      this.database.db
        .select(PAYMENT_FIELDS)
        .from(payments)
        .where(
          and(
            gte(payments.dateApproved, filter.from),
            lt(payments.dateApproved, filter.to),
            ...this.credentials(filter),
            after(payments.dateApproved, payments.id, position),
          ),
        )
        .orderBy(asc(payments.dateApproved), asc(payments.id))
        .limit(batch),
    );
  }

  /** Approved refunds made in the window, with what the export shows of their payment. */
  approvedRefunds(filter: SettlementFilter, batch: number) {
    return keyset(batch, (position) =>
      this.database.db
        .select({
          id: refunds.id,
          refundMercadopagoId: refunds.mercadopagoId,
          amount: refunds.amount,
          at: refunds.createdAt,
          ...MOVED_PAYMENT,
          position: exact(refunds.createdAt),
        })
        .from(refunds)
        .innerJoin(payments, eq(payments.id, refunds.paymentId))
        .where(
          and(
            eq(refunds.status, 'approved'),
            gte(refunds.createdAt, filter.from),
            lt(refunds.createdAt, filter.to),
            ...this.credentials(filter),
            after(refunds.createdAt, refunds.id, position),
          ),
        )
        .orderBy(asc(refunds.createdAt), asc(refunds.id))
        .limit(batch),
    );
  }

  /** Chargebacks opened in the window: the money Mercado Pago took back from the seller. */
  openedDisputes(filter: SettlementFilter, batch: number) {
    return this.disputes(filter, batch, disputeOpenedAt(disputes));
  }

  /** Chargebacks won (covered) in the window: the money given back to the seller. */
  wonDisputes(filter: SettlementFilter, batch: number) {
    return this.disputes(filter, batch, disputes.resolvedAt, sql`${disputes.status} = 'won'`);
  }

  private disputes(filter: SettlementFilter, batch: number, at: Timestamp, only?: SQL) {
    return keyset(batch, (position) =>
      this.database.db
        .select({
          id: disputes.id,
          amount: disputes.amount,
          at: sql<Date>`${at}`.mapWith(disputes.createdAt),
          ...MOVED_PAYMENT,
          currencyId: disputes.currencyId,
          position: exact(at),
        })
        .from(disputes)
        .innerJoin(payments, eq(payments.id, disputes.paymentId))
        .where(
          and(
            only,
            within(at, filter),
            ...this.credentials(filter),
            after(at, disputes.id, position),
          ),
        )
        .orderBy(asc(at), asc(disputes.id))
        .limit(batch),
    );
  }
}

type Batches<T> = T extends (...args: never[]) => AsyncGenerator<(infer R)[]> ? R : never;
export type SettlementPayment = Batches<SettlementsRepository['approvedPayments']>;
export type SettlementRefund = Batches<SettlementsRepository['approvedRefunds']>;
export type SettlementDispute = Batches<SettlementsRepository['openedDisputes']>;
