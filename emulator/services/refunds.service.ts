import { asRecord, isRecord, type Json } from '../common/body.util';
import { mpDate } from '../common/dates.util';
import { MpError, badRequest, notFound } from '../common/mp-error.util';
import { fromMinor, toMinor } from '../common/money.util';
import type { Account } from '../state/accounts.state';
import type {
  EmulatorStore,
  PaymentRecord,
  RefundRecord,
  RefundStatus,
} from '../state/store.state';
import type { PaymentEvents, PaymentsService } from './payments.service';
import { requireIdempotencyKey } from './payments.service';
import { applyAmounts, touch } from './payment.render';

/** Payment metadata key that decides how its refunds end (README, "Refund outcomes"). */
const REFUND_OUTCOME_KEY = 'emulator_refund_outcome';

/** What a new refund may turn out as; `cancelled` only ever follows `in_process`. */
const CREATION_OUTCOMES: readonly RefundStatus[] = ['approved', 'in_process', 'rejected'];
const LATER_OUTCOMES: readonly RefundStatus[] = ['approved', 'rejected', 'cancelled'];

function isOneOf(value: unknown, statuses: readonly RefundStatus[]): value is RefundStatus {
  return statuses.includes(value as RefundStatus);
}

/** Money held by refunds still in process: it may yet leave, so no other refund can take it. */
function reservedMinor(record: PaymentRecord): number {
  return record.refunds.reduce(
    (sum, refund) => (refund.json.status === 'in_process' ? sum + refund.amountMinor : sum),
    0,
  );
}

/** An approved refund is the only kind that counts in the payment's refunded amount and status. */
function credit(record: PaymentRecord, refund: RefundRecord): void {
  refund.json.amount_refunded_to_payer = refund.json.amount;
  record.refundedMinor += refund.amountMinor;
  const full = record.refundedMinor === record.amountMinor;
  record.json.status = full ? 'refunded' : 'approved';
  record.json.status_detail = full ? 'refunded' : 'partially_refunded';
  record.json.transaction_amount_refunded = fromMinor(record.refundedMinor, record.decimals);
  applyAmounts(record, true);
}

export class RefundsService {
  constructor(
    private readonly store: EmulatorStore,
    private readonly payments: PaymentsService,
    private readonly events: PaymentEvents,
    private readonly clock: () => number,
  ) {}

  /**
   * Empty body (or `{}`) refunds what is left; `{amount}` refunds part of it. `renderInProcess` is
   * the `X-Render-In-Process-Refunds: true` header: without it an in_process refund is still made,
   * but answered with a 400, as Mercado Pago does.
   */
  create(
    account: Account,
    paymentId: string,
    body: unknown,
    key: string | undefined,
    renderInProcess: boolean,
  ): Json {
    const idempotencyKey = requireIdempotencyKey(key);
    const record = this.payments.get(account, paymentId);
    const path = `/v1/payments/${record.id}/refunds`;
    const { idempotency } = this.store;
    const replay = idempotency.lookup(account.user_id, idempotencyKey, 'POST', path, body);
    if (replay) return this.render(replay as RefundRecord, renderInProcess);
    const status = record.json.status as string;
    if (status !== 'approved') {
      throw badRequest(2018, `Action not valid for a payment in status ${status}`);
    }
    const amountMinor = this.amountToRefund(record, asRecord(body).amount);
    const outcome = record.refundOutcomes.shift() ?? this.metadataOutcome(record);
    const now = this.clock();
    const refundAmount = fromMinor(amountMinor, record.decimals);
    const refund: RefundRecord = {
      amountMinor,
      json: {
        id: this.store.refundIds.take(),
        payment_id: record.id,
        amount: refundAmount,
        metadata: { status_detail: null },
        source: { id: String(account.user_id), name: 'Emulator Seller', type: 'collector' },
        date_created: mpDate(now),
        expiration_date: null,
        unique_sequence_number: null,
        refund_mode: 'standard',
        adjustment_amount: 0,
        status: outcome,
        reason: null,
        labels: [],
        amount_refunded_to_payer: 0,
        additional_data: null,
        partition_details: [],
      },
    };
    record.refunds.push(refund);
    if (outcome === 'approved') credit(record, refund);
    touch(record, now);
    idempotency.remember(account.user_id, idempotencyKey, 'POST', path, body, () => refund);
    this.events.paymentChanged(record, 'payment.updated');
    return this.render(refund, renderInProcess);
  }

  /** Without the header Mercado Pago leaves in_process refunds out of the list. */
  list(account: Account, paymentId: string, renderInProcess: boolean): Json[] {
    return this.payments
      .get(account, paymentId)
      .refunds.filter((refund) => renderInProcess || refund.json.status !== 'in_process')
      .map((refund) => refund.json);
  }

  get(account: Account, paymentId: string, refundId: string, renderInProcess: boolean): Json {
    return this.render(this.find(this.payments.get(account, paymentId), refundId), renderInProcess);
  }

  /** Control API: the status the next `count` refunds of a payment get, whatever its metadata. */
  setOutcome(paymentId: number, status: unknown, count: unknown = 1): Json {
    const record = this.payments.byId(paymentId);
    if (!isOneOf(status, CREATION_OUTCOMES)) {
      throw badRequest(1, `status must be one of ${CREATION_OUTCOMES.join(', ')}`);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw badRequest(1, 'count must be a whole number from 1');
    }
    record.refundOutcomes = Array.from({ length: count }, () => status);
    return { payment_id: record.id, refund_outcomes: record.refundOutcomes };
  }

  /** Control API: Mercado Pago settles an in_process refund; the payment is notified as usual. */
  transition(paymentId: number, refundId: string, status: unknown): Json {
    const record = this.payments.byId(paymentId);
    const refund = this.find(record, refundId);
    const from = refund.json.status;
    if (from !== 'in_process' || !isOneOf(status, LATER_OUTCOMES)) {
      const allowed = from === 'in_process' ? LATER_OUTCOMES.join(', ') : 'none';
      throw new MpError(
        409,
        `refund ${refundId} cannot move from ${from} to ${typeof status === 'string' ? status : '(no status)'}; allowed: ${allowed}`,
        [],
        'conflict',
      );
    }
    refund.json.status = status;
    if (status === 'approved') credit(record, refund);
    touch(record, this.clock());
    this.events.paymentChanged(record, 'payment.updated');
    return refund.json;
  }

  private amountToRefund(record: PaymentRecord, amount: unknown): number {
    const left = record.amountMinor - record.refundedMinor - reservedMinor(record);
    const text = (minor: number) => fromMinor(minor, record.decimals);
    if (amount === undefined || amount === null) {
      if (left <= 0) throw badRequest(4037, 'Invalid refund amount: nothing is left to refund');
      return left;
    }
    const minor = typeof amount === 'number' ? toMinor(amount, record.decimals) : null;
    if (minor === null || minor <= 0) throw badRequest(4037, 'Invalid refund amount');
    if (minor > left) {
      throw badRequest(
        4037,
        `Invalid refund amount: ${text(minor)} is more than the ${text(left)} left to refund`,
      );
    }
    return minor;
  }

  private metadataOutcome(record: PaymentRecord): RefundStatus {
    const value = isRecord(record.json.metadata)
      ? record.json.metadata[REFUND_OUTCOME_KEY]
      : undefined;
    return isOneOf(value, CREATION_OUTCOMES) ? value : 'approved';
  }

  private render(refund: RefundRecord, renderInProcess: boolean): Json {
    if (refund.json.status === 'in_process' && !renderInProcess) {
      // Mercado Pago documents only "400 Bad Request"; the wording here is the emulator's.
      throw new MpError(
        400,
        `refund ${refund.json.id} is in_process; send X-Render-In-Process-Refunds: true to see it`,
      );
    }
    return refund.json;
  }

  private find(record: PaymentRecord, refundId: string): RefundRecord {
    const refund = record.refunds.find((r) => String(r.json.id) === refundId);
    if (!refund) throw notFound('Refund not found');
    return refund;
  }
}
