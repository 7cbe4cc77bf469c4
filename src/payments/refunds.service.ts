import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { GatewayRejectedError } from '../common/errors/gateway-errors';
import { toMajorNumber } from '../common/money';
import { CredentialsService } from '../credentials/credentials.service';
import { Database } from '../database/database';
import { IdempotencyRef } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { RefundCreateDto } from './dto/payment-create.dto';
import { RefundDto } from './dto/payment.dto';
import { GatewayPayment, PaymentGateway } from './payment-gateway.port';
import { PaymentError, RefundError } from './payments.errors';
import { PaymentsRepository } from './payments.repository';
import { PaymentRow, RefundRow } from './payments.schema';
import { IdempotentResult, PaymentsService, parseAmount, storedError } from './payments.service';

const refundScope = (paymentId: string) => `refunds.create:${paymentId}`;

/** Only approved payments (partially refunded ones stay approved) have money to give back. */
const REFUNDABLE = ['approved'] as const;

@Injectable()
export class RefundsService {
  constructor(
    private readonly database: Database,
    private readonly payments: PaymentsRepository,
    private readonly paymentsService: PaymentsService,
    private readonly idempotency: IdempotencyService,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Reserves the amount under the payment's row lock (so concurrent refunds can never overdraw),
   * then asks Mercado Pago; the reservation holds while the outcome is unknown.
   */
  async create(
    principal: Principal,
    key: string,
    paymentId: string,
    dto: RefundCreateDto,
  ): Promise<IdempotentResult<unknown>> {
    const payment = await this.paymentsService.get(paymentId);
    const requested =
      dto.amount === undefined ? undefined : parseAmount('amount', dto.amount, payment.currencyId);
    const ref = { owner: principal.tokenId, scope: refundScope(paymentId), key };
    const start = await this.idempotency.start(ref, { amount: dto.amount ?? null }, async (tx) => {
      const locked = await this.payments.lockById(tx, paymentId);
      if (!locked) throw PaymentError.notFound(paymentId);
      if (!(REFUNDABLE as readonly string[]).includes(locked.status)) {
        throw PaymentError.invalidState('refund', locked.status, REFUNDABLE);
      }
      const { approved, submitting } = await this.payments.reservedRefunds(tx, paymentId);
      // Refunds made elsewhere (Mercado Pago's panel) show up only in amount_refunded.
      const available = locked.amount - Math.max(locked.amountRefunded, approved) - submitting;
      const amount = requested ?? available;
      if (amount <= 0 || amount > available) {
        throw RefundError.exceedsAvailable(
          toMajorNumber(Math.max(available, 0), locked.currencyId),
        );
      }
      const id = randomUUID();
      await this.payments.insertRefund(tx, {
        id,
        paymentId,
        amount,
        full: requested === undefined,
        gatewayIdempotencyKey: `mps-refund-${id}`,
      });
      return id;
    });
    if (start.kind === 'replay') return { ...start, replayed: true };
    const refund = await this.payments.findRefund(this.database.db, start.resourceId);
    if (!refund) throw new Error(`idempotency key points at missing refund ${start.resourceId}`);
    const body = await this.submit(payment, refund, start.ref);
    return { status: 201, body, replayed: false };
  }

  private async submit(payment: PaymentRow, refund: RefundRow, ref: IdempotencyRef) {
    if (refund.status !== 'submitting' || payment.mercadopagoId === null) {
      const dto = RefundDto.from(refund, payment.currencyId);
      await this.idempotency.complete(this.database.db, ref, 201, dto);
      return dto;
    }
    const credentials = await this.credentials.resolve(payment.credentialId);
    let refunded;
    try {
      refunded = await this.gateway.refund(
        credentials.accessToken,
        payment.mercadopagoId,
        { minor: refund.full ? undefined : refund.amount, currencyId: payment.currencyId },
        refund.gatewayIdempotencyKey,
      );
    } catch (error) {
      if (error instanceof GatewayRejectedError) {
        await this.database.transaction(async (tx) => {
          await this.payments.settleRefund(tx, refund.id, {
            status: 'failed',
            failure: error.details,
          });
          await this.idempotency.complete(tx, ref, error.status, storedError(error));
        });
      } else {
        await this.idempotency.release(ref);
      }
      throw error;
    }
    // The refund changed the payment (refunded / partially_refunded): take Mercado Pago's view.
    const updated: GatewayPayment | undefined = await this.gateway
      .getPayment(credentials.accessToken, payment.mercadopagoId)
      .catch(() => undefined);
    return this.database.transaction(async (tx) => {
      const settled = await this.payments.settleRefund(tx, refund.id, {
        status: refunded.status,
        mercadopagoId: refunded.mercadopagoId,
        amount: refunded.amount || refund.amount,
      });
      if (updated) await this.paymentsService.applyLocked(tx, payment.id, updated);
      // Mercado Pago's view could not be read now: at least show what we know was refunded.
      else await this.payments.countApprovedRefunds(tx, payment.id);
      const dto = RefundDto.from(settled, payment.currencyId);
      await this.idempotency.complete(tx, ref, 201, dto);
      return dto;
    });
  }

  /** For the reconciler: re-sends a refund whose outcome is unknown, with its own key. */
  async resume(refund: RefundRow): Promise<void> {
    const ref = await this.idempotency.leaseForResource(refundScope(refund.paymentId), refund.id);
    if (!ref) return;
    await this.submit(await this.paymentsService.get(refund.paymentId), refund, ref);
  }

  async list(paymentId: string): Promise<RefundDto[]> {
    const payment = await this.paymentsService.get(paymentId);
    const rows = await this.payments.listRefunds(paymentId);
    return rows.map((row) => RefundDto.from(row, payment.currencyId));
  }
}
