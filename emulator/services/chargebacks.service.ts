import { asRecord, type Json } from '../common/body.util';
import { DAY_MS, mpDate } from '../common/dates.util';
import { MpError, badRequest, notFound } from '../common/mp-error.util';
import { fromMinor, toMinor } from '../common/money.util';
import {
  isDocumentationStatus,
  DOCUMENTATION_STATUSES,
} from '../../src/disputes/dispute-gateway.port';
import type { Account } from '../state/accounts.state';
import type { ChargebackRecord, EmulatorStore, PaymentRecord } from '../state/store.state';
import type { PaymentsService } from './payments.service';

/** "10 days are allowed to submit the transaction vouchers" (Mercado Pago's chargeback guide). */
const DOCUMENTATION_DAYS = 10;

export interface ChargebackEvents {
  chargebackChanged(record: ChargebackRecord, payment: PaymentRecord): void;
}

/**
 * Chargebacks, opened and moved by the control API (they are the card holder's and Mercado
 * Pago's doing, never the seller's). Opening one moves the payment to charged_back/in_process;
 * the decision moves it to charged_back/reimbursed (covered) or charged_back/settled. Every change
 * notifies the `chargebacks` topic, and the payment's own change notifies `payment`.
 */
export class ChargebacksService {
  constructor(
    private readonly store: EmulatorStore,
    private readonly payments: PaymentsService,
    private readonly events: ChargebackEvents,
    private readonly clock: () => number,
  ) {}

  /** GET /v1/chargebacks/{id}: the seller's own chargebacks only. */
  get(account: Account, id: string): Json {
    const record = this.store.owned(this.store.chargebacks, id, account.user_id);
    if (!record) throw notFound('Chargeback not found');
    return record.json;
  }

  open(paymentId: number, input: unknown): Json {
    const payment = this.payments.byId(paymentId);
    if (payment.json.status !== 'approved') {
      throw new MpError(
        409,
        `payment ${paymentId} is ${String(payment.json.status)}: only an approved payment can be charged back`,
        [],
        'conflict',
      );
    }
    const body = asRecord(input);
    const left = payment.amountMinor - payment.refundedMinor;
    if (body.amount !== undefined && typeof body.amount !== 'number') {
      throw badRequest(1, 'amount must be a number');
    }
    const amount = typeof body.amount === 'number' ? toMinor(body.amount, payment.decimals) : left;
    if (amount === null || amount <= 0 || amount > left) {
      throw badRequest(1, `amount must be positive and at most what is left (${left} minor)`);
    }
    const required = body.documentation_required !== false;
    const now = this.clock();
    const id = String(233_000_000_000_000_000n + BigInt(this.store.chargebackIds.take()));
    const record: ChargebackRecord = {
      id,
      userId: payment.userId,
      paymentId,
      updatedAt: now,
      json: {
        id,
        payments: [paymentId],
        currency: payment.json.currency_id,
        amount: fromMinor(amount, payment.decimals),
        reason: typeof body.reason === 'string' ? body.reason : 'fraud',
        coverage_applied: null,
        coverage_elegible: body.coverage_eligible !== false,
        documentation_required: required,
        documentation_status: required ? 'pending' : 'not_applicable',
        documentation: [],
        date_documentation_deadline: required ? mpDate(now + DOCUMENTATION_DAYS * DAY_MS) : null,
        date_created: mpDate(now),
        date_last_updated: mpDate(now),
        live_mode: payment.json.live_mode,
      },
    };
    this.store.chargebacks.set(id, record);
    this.payments.transition(paymentId, 'charged_back', 'in_process');
    this.events.chargebackChanged(record, payment);
    return record.json;
  }

  /**
   * Moves a chargeback: `documentation_status` (a documented value, or any text with `force`, to
   * play an answer Mercado Pago has not documented) and/or `coverage_applied` (the decision).
   */
  transition(id: string, input: unknown): Json {
    const record = this.store.chargebacks.get(id);
    if (!record) throw notFound('Chargeback not found');
    const body = asRecord(input);
    const force = body.force === true;
    const { json } = record;
    if (json.coverage_applied !== null && !force) {
      throw new MpError(409, `chargeback ${id} is already decided`, [], 'conflict');
    }
    const status = body.documentation_status;
    if (status !== undefined) {
      if (typeof status !== 'string' || (!force && !isDocumentationStatus(status))) {
        throw badRequest(
          1,
          `documentation_status must be one of ${DOCUMENTATION_STATUSES.join(', ')}`,
        );
      }
      if (status === 'review_pending' && json.documentation_status === 'pending') {
        // What the seller's upload leaves behind (POST /v1/chargebacks/{id}/documentation).
        json.documentation = [
          {
            type: 'application/pdf',
            url: `https://www.mercadopago.com/chargebacks/${id}/documentation/1`,
            description: 'File: proof-of-delivery.pdf',
          },
        ];
      }
      json.documentation_status = status;
    }
    const decision = body.coverage_applied;
    if (decision !== undefined && typeof decision !== 'boolean') {
      throw badRequest(1, 'coverage_applied must be true or false');
    }
    if (status === undefined && decision === undefined) {
      throw badRequest(1, 'send documentation_status and/or coverage_applied');
    }
    if (decision !== undefined) json.coverage_applied = decision;
    record.updatedAt = Math.max(this.clock(), record.updatedAt + 1);
    json.date_last_updated = mpDate(record.updatedAt);
    const payment = this.payments.byId(record.paymentId);
    if (decision !== undefined && payment.json.status === 'charged_back') {
      // Covered: the money comes back to the seller; otherwise it stays with the card holder.
      this.payments.transition(
        record.paymentId,
        'charged_back',
        decision ? 'reimbursed' : 'settled',
      );
    }
    this.events.chargebackChanged(record, payment);
    return json;
  }
}
