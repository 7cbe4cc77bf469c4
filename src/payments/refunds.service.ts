import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { GatewayRejectedError, GatewayUnauthorizedError } from '../common/errors/gateway-errors';
import { toMajorNumber } from '../common/money';
import { CredentialUnusableError } from '../credentials/credentials.errors';
import { CredentialsService, UsableCredentials } from '../credentials/credentials.service';
import { Database } from '../database/database';
import { IdempotencyRef } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { RefundCreateDto } from './dto/payment-create.dto';
import { RefundDto } from './dto/payment.dto';
import { GatewayRefund, PaymentGateway } from './payment-gateway.port';
import { PaymentQueriesService } from './payment-queries.service';
import { IdempotentResult, parseAmount, storedError } from './payment-submission.service';
import { PaymentWriter } from './payment-writer';
import { PaymentError, RefundError } from './payments.errors';
import { PaymentsRepository } from './payments.repository';
import { PaymentRow, RefundRow } from './payments.schema';

const refundScope = (paymentId: string) => `refunds.create:${paymentId}`;

/** Only approved payments (partially refunded ones stay approved) have money to give back. */
const REFUNDABLE = ['approved'] as const;

@Injectable()
export class RefundsService {
  constructor(
    private readonly database: Database,
    private readonly payments: PaymentsRepository,
    private readonly queries: PaymentQueriesService,
    private readonly writer: PaymentWriter,
    private readonly idempotency: IdempotencyService,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Reserves the amount under the payment's row lock (so concurrent refunds can never overdraw),
   * then asks Mercado Pago; the reservation holds while the outcome is unknown or in process.
   */
  async create(
    principal: Principal,
    key: string,
    paymentId: string,
    dto: RefundCreateDto,
  ): Promise<IdempotentResult<unknown>> {
    const payment = await this.queries.get(paymentId);
    const requested =
      dto.amount === undefined ? undefined : parseAmount('amount', dto.amount, payment.currencyId);
    const ref = { owner: principal.tokenId, scope: refundScope(paymentId), key };
    let inserted: RefundRow | undefined;
    const start = await this.idempotency.start(ref, { amount: requested ?? null }, async (tx) => {
      const locked = await this.payments.lockById(tx, paymentId);
      if (!locked) throw PaymentError.notFound(paymentId);
      if (!(REFUNDABLE as readonly string[]).includes(locked.status)) {
        throw PaymentError.invalidState('refund', locked.status, REFUNDABLE);
      }
      const { approved, open } = await this.payments.reservedRefunds(tx, paymentId);
      // Refunds made elsewhere (Mercado Pago's panel) may show up in amount_refunded first.
      const available = locked.amount - Math.max(locked.amountRefunded, approved) - open;
      const amount = requested ?? available;
      if (amount <= 0 || amount > available) {
        throw RefundError.exceedsAvailable(
          toMajorNumber(Math.max(available, 0), locked.currencyId),
        );
      }
      const id = randomUUID();
      inserted = await this.payments.insertRefund(tx, {
        id,
        paymentId,
        amount,
        full: requested === undefined,
        gatewayIdempotencyKey: `mps-refund-${id}`,
      });
      return id;
    });
    if (start.kind === 'replay') return { ...start, replayed: true };
    const refund =
      (start.kind === 'new' && inserted) ||
      (await this.payments.findRefund(this.database.db, start.resourceId));
    if (!refund) throw new Error(`idempotency key points at missing refund ${start.resourceId}`);
    const body = await this.submit(payment, refund, start.ref, start.kind === 'new');
    return { status: 201, body, replayed: false };
  }

  /** Sends (or re-sends, same key) a refund; the key gets the answer or is released. */
  private submit(
    payment: PaymentRow,
    refund: RefundRow,
    ref: IdempotencyRef | undefined,
    firstSend = false,
  ): Promise<RefundDto> {
    return this.idempotency.answer(ref, async () => {
      let settled = refund;
      if (refund.status === 'submitting' && payment.mercadopagoId !== null) {
        const credentials = await this.credentials.resolve(payment.credentialId);
        const answer = await this.send(credentials, payment.mercadopagoId, payment, refund, {
          ref,
          firstSend,
        });
        settled = await this.settle(credentials, payment.mercadopagoId, payment, refund, answer);
      }
      return RefundDto.from(settled, payment.currencyId);
    });
  }

  /**
   * A refusal frees the reservation and is stored as the key's answer, then thrown on. A 401 on a
   * re-send says nothing of the earlier send, so that refund stays submitting (reserved).
   */
  private async send(
    credentials: UsableCredentials,
    mercadopagoId: number,
    payment: PaymentRow,
    refund: RefundRow,
    { ref, firstSend }: { ref: IdempotencyRef | undefined; firstSend: boolean },
  ): Promise<GatewayRefund> {
    try {
      return await this.gateway.refund(
        credentials.accessToken,
        mercadopagoId,
        { minor: refund.full ? undefined : refund.amount, currencyId: payment.currencyId },
        refund.gatewayIdempotencyKey,
      );
    } catch (error) {
      if (error instanceof GatewayUnauthorizedError && !firstSend) {
        throw CredentialUnusableError.onResend(credentials.id, `refund ${refund.id}`, error);
      }
      if (error instanceof GatewayRejectedError) {
        await this.database.transaction(async (tx) => {
          await this.writer.failRefund(tx, refund, error.details);
          await this.idempotency.complete(tx, ref, error.status, storedError(error));
        });
      }
      throw error;
    }
  }

  /**
   * Records Mercado Pago's answer, then its view of the payment (refunded / partially refunded).
   * When that read fails the payment is re-read by the sweep at once: numbers are never patched.
   */
  private async settle(
    credentials: UsableCredentials,
    mercadopagoId: number,
    payment: PaymentRow,
    refund: RefundRow,
    answer: GatewayRefund,
  ): Promise<RefundRow> {
    const updated = await this.gateway
      .getPayment(credentials.accessToken, mercadopagoId)
      .catch((error: unknown) => {
        if (error instanceof DomainError) return undefined;
        throw error;
      });
    return this.database.transaction(async (tx) => {
      const settled = await this.writer.settleRefund(tx, refund, answer);
      if (updated) await this.writer.applyTo(tx, payment.id, updated);
      else await this.payments.scheduleSync(tx, payment.id, 0);
      return settled;
    });
  }

  /** For the reconciler: re-sends a refund whose outcome is unknown, with its own key. */
  async resume(refund: RefundRow): Promise<void> {
    const ref = await this.idempotency.leaseForResource(refundScope(refund.paymentId), refund.id);
    if (ref === 'busy') return;
    await this.submit(await this.queries.get(refund.paymentId), refund, ref);
  }
}
