import { Injectable, Logger } from '@nestjs/common';
import { stableStringify } from '../common/stable-json';
import { Database, Tx } from '../database/database';
import { NewEvent, OutboxRepository } from '../events/outbox.repository';
import { IdempotencyRef } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { PaymentDto } from './dto/payment.dto';
import { GatewayPayment, GatewayRefund } from './payment-gateway.port';
import { RESERVED_REFUND_STATUSES, RefundStatus } from './payment-status';
import { PaymentError } from './payments.errors';
import { PaymentsRepository, settlementColumns } from './payments.repository';
import { PaymentRow, RefundRow } from './payments.schema';

/**
 * The only writer of Mercado Pago's state onto our rows. Whatever learns of a payment (the
 * answer to our call, a notification, a re-read, a search) comes here, finds our row (by
 * Mercado Pago's id, else by the reference we sent in metadata) under its row lock, and applies
 * the change only when it is newer, with its outbox events in the same transaction.
 */
@Injectable()
export class PaymentWriter {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly database: Database,
    private readonly payments: PaymentsRepository,
    private readonly outbox: OutboxRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** A payment Mercado Pago told us about: adopts the row that made it, or records a new one. */
  async record(credentialId: string, gateway: GatewayPayment): Promise<PaymentRow> {
    // Most re-reads find what we hold already (our own answer, a duplicate notification): one
    // read, no lock. Anything older or equal is safe to skip even if a newer write is under way.
    const held = await this.payments.findByMercadopagoId(gateway.mercadopagoId);
    if (
      held &&
      held.status !== 'abandoned' &&
      gateway.refunds.length === 0 &&
      !this.isNewer(held, gateway)
    ) {
      return held;
    }
    return this.database.transaction(async (tx) => {
      const row =
        (await this.payments.lockByMercadopagoId(tx, gateway.mercadopagoId)) ??
        (gateway.reference
          ? await this.payments.lockUnlinked(tx, credentialId, gateway.reference)
          : undefined);
      if (row) return this.apply(tx, row, gateway);
      const inserted = await this.payments.insertExternal(tx, this.external(credentialId, gateway));
      if (!inserted) {
        // Another transaction recorded it between our look and our insert: apply onto that one.
        const raced = await this.payments.lockByMercadopagoId(tx, gateway.mercadopagoId);
        if (!raced) throw new Error(`payment ${gateway.mercadopagoId} vanished while recorded`);
        return this.apply(tx, raced, gateway);
      }
      await this.outbox.append(tx, this.events(inserted, 'created', true));
      await this.applyRefunds(tx, inserted, gateway.refunds);
      return inserted;
    });
  }

  /**
   * Mercado Pago's answer to our create, stored with the key's answer. While the payment is still
   * submitting this is one statement (the payment, its events, the answer); when something else
   * (a notification, a re-read) settled it first, the general path under the row lock.
   */
  async answerCreate(
    row: PaymentRow,
    gateway: GatewayPayment,
    ref: IdempotencyRef | undefined,
  ): Promise<PaymentRow> {
    if (row.status === 'submitting' && gateway.refunds.length === 0) {
      const changes = this.payments.gatewayChanges(gateway);
      const updated: PaymentRow = { ...row, ...changes };
      const dto = PaymentDto.from(updated);
      const outcome = await this.payments.applyFirstAnswer(
        row.id,
        changes,
        this.events(updated, 'created', true, dto),
        ref && { ref, status: 201, body: dto },
      );
      if (outcome.applied) {
        this.outbox.appendedElsewhere();
        this.idempotency.answered(ref, outcome.answered);
        this.logTransition(row, updated);
        return updated;
      }
    }
    const settled = await this.database.transaction(async (tx) => {
      const updated = await this.applyTo(tx, row.id, gateway);
      await this.idempotency.complete(tx, ref, 201, PaymentDto.from(updated));
      return updated;
    });
    // complete() has said so already if the key was taken over.
    this.idempotency.answered(ref, true);
    return settled;
  }

  /** Mercado Pago's answer to a call about our payment `id`, inside the caller's transaction. */
  async applyTo(tx: Tx, id: string, gateway: GatewayPayment): Promise<PaymentRow> {
    const row = await this.payments.lockById(tx, id);
    if (!row) throw PaymentError.notFound(id);
    return this.apply(tx, row, gateway);
  }

  /** Mercado Pago refused to create it (4xx): nothing was charged. */
  async fail(tx: Tx, id: string, failure: unknown): Promise<PaymentRow> {
    const failed = await this.payments.markEnded(tx, id, 'failed', failure);
    await this.outbox.append(tx, this.events(failed, 'created', true));
    return failed;
  }

  /** Never answered, and not found at Mercado Pago once its re-send window was over. */
  abandon(id: string, reason: string): Promise<PaymentRow> {
    return this.database.transaction(async (tx) => {
      const row = await this.payments.lockById(tx, id);
      if (!row) throw PaymentError.notFound(id);
      // A notification may have settled it since we looked: then it is not abandoned.
      if (row.status !== 'submitting') return row;
      const abandoned = await this.payments.markEnded(tx, id, 'abandoned', { reason });
      await this.outbox.append(tx, this.events(abandoned, 'created', true));
      this.logger.warn(`Payment ${id} submitting → abandoned (${reason})`);
      return abandoned;
    });
  }

  /** Mercado Pago's answer to one of our refunds. */
  async settleRefund(tx: Tx, refund: RefundRow, gateway: GatewayRefund): Promise<RefundRow> {
    const settled = await this.payments.settleRefund(tx, refund.id, {
      status: gateway.status,
      mercadopagoId: gateway.mercadopagoId,
      amount: gateway.amount,
    });
    // Still open at Mercado Pago: the sweep re-reads the payment until the refund ends.
    if (gateway.status === 'in_process') {
      await this.payments.scheduleSync(tx, refund.paymentId);
    }
    return settled;
  }

  /** Mercado Pago refused the refund (4xx): its reservation is given back. */
  failRefund(tx: Tx, refund: RefundRow, failure: unknown): Promise<RefundRow> {
    return this.payments.settleRefund(tx, refund.id, { status: 'failed', failure });
  }

  private async apply(tx: Tx, row: PaymentRow, gateway: GatewayPayment): Promise<PaymentRow> {
    const first = row.status === 'submitting';
    // An abandoned payment found later at Mercado Pago takes Mercado Pago's word.
    let updated = row;
    if (first || row.status === 'abandoned' || this.isNewer(row, gateway)) {
      updated = await this.payments.applyGateway(tx, row.id, gateway);
      const statusChanged = first || updated.status !== row.status;
      await this.outbox.append(
        tx,
        this.events(updated, first ? 'created' : 'updated', statusChanged),
      );
      if (statusChanged) this.logTransition(row, updated);
    }
    await this.applyRefunds(tx, updated, gateway.refunds);
    return updated;
  }

  private logTransition(before: PaymentRow, after: PaymentRow): void {
    this.logger.log(
      `Payment ${before.id} ${before.status} → ${after.status} (${after.statusDetail})`,
    );
  }

  /**
   * Brings our refunds in line with Mercado Pago's list: open ones of ours take their final
   * status; refunds made elsewhere (its panel) are recorded. While one of ours is still unanswered
   * an unknown refund may be that one, so none is adopted until ours is settled by its own key.
   */
  private async applyRefunds(tx: Tx, payment: PaymentRow, listed: GatewayRefund[]): Promise<void> {
    if (listed.length === 0) return;
    const ours = await this.payments.listRefunds(tx, payment.id);
    const byMercadopagoId = new Map(ours.map((refund) => [refund.mercadopagoId, refund]));
    const unanswered = ours.some((refund) => refund.status === 'submitting');
    for (const refund of listed) {
      const mine = byMercadopagoId.get(refund.mercadopagoId);
      if (!mine) {
        if (!unanswered) await this.payments.insertExternalRefund(tx, payment.id, refund);
      } else if (
        mine.status !== refund.status &&
        RESERVED_REFUND_STATUSES.includes(mine.status as RefundStatus)
      ) {
        await this.payments.settleRefund(tx, mine.id, {
          status: refund.status,
          amount: refund.amount,
        });
      }
    }
  }

  /** Out-of-order answers (an older state arriving last) must never overwrite a newer one. */
  private isNewer(row: PaymentRow, gateway: GatewayPayment): boolean {
    const held = row.gatewayUpdatedAt?.getTime();
    const incoming = gateway.dateLastUpdated?.getTime();
    if (held === undefined || incoming === undefined) return true;
    if (incoming !== held) return incoming > held;
    // Mercado Pago may change fees or release money without moving date_last_updated.
    const settlement = settlementColumns(gateway);
    return (
      gateway.status !== row.status ||
      gateway.statusDetail !== row.statusDetail ||
      gateway.amountRefunded !== row.amountRefunded ||
      gateway.captured !== row.captured ||
      settlement.netReceivedAmount !== row.netReceivedAmount ||
      settlement.moneyReleaseStatus !== row.moneyReleaseStatus ||
      settlement.moneyReleaseDate?.getTime() !== row.moneyReleaseDate?.getTime() ||
      stableStringify(settlement.feeDetails) !== stableStringify(row.feeDetails)
    );
  }

  private external(credentialId: string, gateway: GatewayPayment) {
    return {
      credentialId,
      liveMode: gateway.liveMode,
      createdBy: 'mercadopago',
      mercadopagoId: gateway.mercadopagoId,
      status: gateway.status,
      statusDetail: gateway.statusDetail,
      currencyId: gateway.currencyId,
      amount: gateway.amount,
      amountRefunded: gateway.amountRefunded,
      installments: gateway.installments,
      paymentMethodId: gateway.paymentMethodId,
      paymentTypeId: gateway.paymentTypeId,
      issuerId: gateway.issuerId,
      captured: gateway.captured,
      capture: gateway.captured,
      binaryMode: false,
      externalReference: gateway.externalReference,
      description: gateway.description,
      statementDescriptor: gateway.statementDescriptor,
      // Mercado Pago hides the payer's email until a payment is approved.
      payerEmail: gateway.payerEmail ?? '',
      cardFirstSixDigits: gateway.cardFirstSixDigits,
      cardLastFourDigits: gateway.cardLastFourDigits,
      threeDsInfo: gateway.threeDsInfo,
      gatewayIdempotencyKey: `mps-external-${gateway.mercadopagoId}`,
      dateApproved: gateway.dateApproved,
      gatewayUpdatedAt: gateway.dateLastUpdated,
      createdAt: gateway.dateCreated ?? new Date(),
      ...settlementColumns(gateway),
    };
  }

  private events(
    row: PaymentRow,
    kind: 'created' | 'updated',
    statusChanged: boolean,
    dto = PaymentDto.from(row),
  ): NewEvent[] {
    const payload = { payment: dto };
    const events: NewEvent[] = [{ type: `payment.${kind}`, subjectId: row.id, payload }];
    if (statusChanged) events.push({ type: `payment.${row.status}`, subjectId: row.id, payload });
    return events;
  }
}
