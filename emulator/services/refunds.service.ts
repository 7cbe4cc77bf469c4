import { asRecord, type Json } from '../common/body.util';
import { mpDate } from '../common/dates.util';
import { badRequest, notFound } from '../common/mp-error.util';
import { fromMinor, toMinor } from '../common/money.util';
import type { Account } from '../state/accounts.state';
import type { EmulatorStore, RefundRecord } from '../state/store.state';
import type { PaymentEvents, PaymentsService } from './payments.service';
import { requireIdempotencyKey } from './payments.service';
import { touch } from './payment.render';

export class RefundsService {
  constructor(
    private readonly store: EmulatorStore,
    private readonly payments: PaymentsService,
    private readonly events: PaymentEvents,
    private readonly clock: () => number,
  ) {}

  /** Empty body (or `{}`) refunds what is left; `{amount}` refunds part of it. */
  create(account: Account, paymentId: string, body: unknown, key: string | undefined): Json {
    const idempotencyKey = requireIdempotencyKey(key);
    const record = this.payments.get(account, paymentId);
    const path = `/v1/payments/${record.id}/refunds`;
    const { idempotency } = this.store;
    const replay = idempotency.lookup(account.user_id, idempotencyKey, 'POST', path, body);
    if (replay) return replay as Json;
    const status = record.json.status as string;
    if (status !== 'approved') {
      throw badRequest(2018, `Action not valid for a payment in status ${status}`);
    }
    const left = record.amountMinor - record.refundedMinor;
    const amount = asRecord(body).amount;
    let amountMinor = left;
    if (amount !== undefined && amount !== null) {
      const minor = typeof amount === 'number' ? toMinor(amount, record.decimals) : null;
      if (minor === null || minor <= 0) throw badRequest(4037, 'Invalid refund amount');
      if (minor > left) {
        throw badRequest(
          4037,
          `Invalid refund amount: ${fromMinor(minor, record.decimals)} is more than the ${fromMinor(left, record.decimals)} left to refund`,
        );
      }
      amountMinor = minor;
    }
    const now = this.clock();
    const refundAmount = fromMinor(amountMinor, record.decimals);
    const refund: RefundRecord = {
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
        status: 'approved',
        reason: null,
        labels: [],
        amount_refunded_to_payer: refundAmount,
        additional_data: null,
        partition_details: [],
      },
    };
    record.refunds.push(refund);
    record.refundedMinor += amountMinor;
    const full = record.refundedMinor === record.amountMinor;
    record.json.status = full ? 'refunded' : 'approved';
    record.json.status_detail = full ? 'refunded' : 'partially_refunded';
    record.json.transaction_amount_refunded = fromMinor(record.refundedMinor, record.decimals);
    touch(record, now);
    idempotency.remember(account.user_id, idempotencyKey, 'POST', path, body, () => refund.json);
    this.events.paymentChanged(record, 'payment.updated');
    return refund.json;
  }

  list(account: Account, paymentId: string): Json[] {
    return this.payments.get(account, paymentId).refunds.map((refund) => refund.json);
  }

  get(account: Account, paymentId: string, refundId: string): Json {
    const refund = this.payments
      .get(account, paymentId)
      .refunds.find((r) => String(r.json.id) === refundId);
    if (!refund) throw notFound('Refund not found');
    return refund.json;
  }
}
