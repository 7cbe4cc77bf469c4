import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { GatewayRejectedError, GatewayUnavailableError } from '../common/errors/gateway-errors';
import { AmountError, toMajorNumber, toMinorUnits } from '../common/money';
import { AppConfig } from '../config/app-config';
import { CredentialsService, UsableCredentials } from '../credentials/credentials.service';
import { SITE_CURRENCY, SITE_IDENTIFICATION_TYPES } from '../credentials/sites';
import { Database, Tx } from '../database/database';
import { NewEvent, OutboxRepository } from '../events/outbox.repository';
import { IdempotencyRef } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { PaymentCreateDto } from './dto/payment-create.dto';
import { PaymentDto } from './dto/payment.dto';
import { CreatePaymentRequest, GatewayPayment, PaymentGateway } from './payment-gateway.port';
import { CANCELLABLE_STATUSES } from './payment-status';
import { PaymentError, invalidField } from './payments.errors';
import { Keyset } from '../database/keyset';
import { PaymentFilters, PaymentsRepository } from './payments.repository';
import { PaymentRow } from './payments.schema';

export const CREATE_SCOPE = 'payments.create';

/** What an idempotent write answers: the status and body, replayed or fresh. */
export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The error body stored with a key, so a replay answers exactly as the first time. */
export const storedError = (error: DomainError) => ({
  error: { code: error.code, message: error.message, details: error.details },
});

export function parseAmount(field: string, value: number | string, currency: string): number {
  try {
    return toMinorUnits(value, currency);
  } catch (error) {
    if (error instanceof AmountError) throw invalidField(field, error.message);
    throw error;
  }
}

@Injectable()
export class PaymentsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly database: Database,
    private readonly payments: PaymentsRepository,
    private readonly outbox: OutboxRepository,
    private readonly idempotency: IdempotencyService,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.notificationUrl('') === undefined) {
      this.logger.warn(
        `PUBLIC_BASE_URL (${this.config.publicBaseUrl}) is not HTTPS, which Mercado Pago requires for ` +
          'notification_url: payments go without one, so configure the webhook URL ' +
          "(…/webhooks/mercadopago/{credential_id}) in Mercado Pago's panel",
      );
    }
  }

  async create(
    principal: Principal,
    key: string,
    dto: PaymentCreateDto,
  ): Promise<IdempotentResult<unknown>> {
    const credentials = await this.credentials.resolve(dto.credential_id);
    const request = this.buildRequest(credentials, dto);
    const ref = { owner: principal.tokenId, scope: CREATE_SCOPE, key };
    const start = await this.idempotency.start(ref, dto, async (tx) => {
      const id = randomUUID();
      await this.payments.insertSubmitting(tx, {
        id,
        credentialId: credentials.id,
        liveMode: credentials.liveMode,
        createdBy: principal.tokenId,
        currencyId: request.currencyId,
        amount: request.amount,
        installments: request.installments,
        paymentMethodId: request.paymentMethodId,
        issuerId: request.issuerId,
        capture: request.capture,
        binaryMode: request.binaryMode,
        externalReference: request.externalReference,
        description: request.description,
        statementDescriptor: request.statementDescriptor,
        metadata: request.metadata,
        payerEmail: request.payer.email,
        pendingRequest: request,
        // Derived from our own record: the same for every retry of this payment, ours or the SDK's.
        gatewayIdempotencyKey: `mps-payment-${id}`,
      });
      return id;
    });
    if (start.kind === 'replay') return { ...start, replayed: true };
    const row = await this.payments.findById(this.database.db, start.resourceId);
    if (!row) throw new Error(`idempotency key points at missing payment ${start.resourceId}`);
    const body = await this.submit(row, start.ref, credentials);
    return { status: 201, body, replayed: false };
  }

  /**
   * Sends (or re-sends, same key) a submitting payment and records the outcome together with the
   * idempotency answer. Mercado Pago unreachable → the key is released for a retry to resume.
   */
  private async submit(
    row: PaymentRow,
    ref: IdempotencyRef,
    known?: UsableCredentials,
  ): Promise<PaymentDto> {
    if (row.status !== 'submitting' || !row.pendingRequest) {
      const dto = PaymentDto.from(row);
      await this.idempotency.complete(this.database.db, ref, 201, dto);
      return dto;
    }
    const credentials =
      known?.id === row.credentialId ? known : await this.credentials.resolve(row.credentialId);
    let gateway: GatewayPayment;
    try {
      gateway = await this.gateway.createPayment(
        credentials.accessToken,
        row.pendingRequest as CreatePaymentRequest,
        row.gatewayIdempotencyKey,
      );
    } catch (error) {
      if (error instanceof GatewayRejectedError) {
        await this.database.transaction(async (tx) => {
          const failed = await this.payments.markFailed(tx, row.id, error.details);
          await this.outbox.append(tx, this.events(failed, 'created', true));
          await this.idempotency.complete(tx, ref, error.status, storedError(error));
        });
        throw error;
      }
      await this.idempotency.release(ref);
      if (error instanceof GatewayUnavailableError) {
        throw new GatewayUnavailableError(
          `${error.message}; payment ${row.id} stays submitting: retry with the same Idempotency-Key`,
          error.timedOut,
        );
      }
      throw error;
    }
    return this.database.transaction(async (tx) => {
      const applied = await this.applyLocked(tx, row.id, gateway);
      const dto = PaymentDto.from(applied);
      await this.idempotency.complete(tx, ref, 201, dto);
      return dto;
    });
  }

  private buildRequest(
    credentials: UsableCredentials,
    dto: PaymentCreateDto,
  ): CreatePaymentRequest {
    const currencyId = SITE_CURRENCY[credentials.siteId];
    const identification = dto.payer.identification;
    const allowed = SITE_IDENTIFICATION_TYPES[credentials.siteId];
    if (identification && !allowed.includes(identification.type)) {
      throw invalidField(
        'payer.identification.type',
        `must be one of ${allowed.join(', ')} for site ${credentials.siteId}`,
      );
    }
    return {
      token: dto.token,
      amount: parseAmount('transaction_amount', dto.transaction_amount, currencyId),
      currencyId,
      installments: dto.installments,
      paymentMethodId: dto.payment_method_id,
      issuerId: dto.issuer_id,
      payer: {
        email: dto.payer.email,
        identification,
        firstName: dto.payer.first_name,
        lastName: dto.payer.last_name,
        type: dto.payer.type,
        id: dto.payer.id,
      },
      description: dto.description,
      externalReference: dto.external_reference,
      statementDescriptor: dto.statement_descriptor,
      metadata: dto.metadata,
      capture: dto.capture ?? true,
      binaryMode: dto.binary_mode ?? false,
      notificationUrl: this.notificationUrl(credentials.id),
    };
  }

  /**
   * Mercado Pago accepts only HTTPS notification URLs. On plain HTTP we still send it to an
   * emulator (also plain HTTP, never Mercado Pago) and otherwise rely on the panel's URL.
   */
  notificationUrl(credentialId: string): string | undefined {
    const base = this.config.publicBaseUrl;
    const target = this.config.mercadoPago;
    const emulator = target.kind === 'embedded-emulator' || !target.url.startsWith('https://');
    if (!base.startsWith('https://') && !emulator) return undefined;
    return `${base}/webhooks/mercadopago/${credentialId}`;
  }

  async get(id: string): Promise<PaymentRow> {
    const row = await this.payments.findById(this.database.db, id);
    if (!row) throw PaymentError.notFound(id);
    return row;
  }

  list(filters: PaymentFilters, cursor: Keyset | undefined, limit: number) {
    return this.payments.list(filters, cursor, limit);
  }

  async capture(id: string, amount: number | string | undefined): Promise<PaymentRow> {
    const row = await this.get(id);
    if (row.status !== 'authorized' || row.mercadopagoId === null) {
      throw PaymentError.invalidState('capture', row.status, ['authorized']);
    }
    const minor = amount === undefined ? undefined : parseAmount('amount', amount, row.currencyId);
    if (minor !== undefined && minor > row.amount) {
      throw PaymentError.captureTooLarge(toMajorNumber(row.amount, row.currencyId));
    }
    const credentials = await this.credentials.resolve(row.credentialId);
    const gateway = await this.gateway.capture(
      credentials.accessToken,
      row.mercadopagoId,
      minor === undefined ? undefined : { minor, currencyId: row.currencyId },
      `mps-capture-${row.id}`,
    );
    return this.database.transaction((tx) => this.applyLocked(tx, row.id, gateway));
  }

  async cancel(id: string): Promise<PaymentRow> {
    const row = await this.get(id);
    if (!CANCELLABLE_STATUSES.includes(row.status as never) || row.mercadopagoId === null) {
      throw PaymentError.invalidState('cancel', row.status, CANCELLABLE_STATUSES);
    }
    const credentials = await this.credentials.resolve(row.credentialId);
    const gateway = await this.gateway.cancel(
      credentials.accessToken,
      row.mercadopagoId,
      `mps-cancel-${row.id}`,
    );
    return this.database.transaction((tx) => this.applyLocked(tx, row.id, gateway));
  }

  /** Re-reads the payment from Mercado Pago now; a submitting one is re-sent with its key. */
  async sync(id: string): Promise<PaymentRow> {
    const row = await this.get(id);
    if (row.status === 'submitting') {
      const ref = await this.idempotency.leaseForResource(CREATE_SCOPE, row.id);
      if (!ref) throw PaymentError.busy(row.id);
      await this.submit(row, ref);
      return this.get(id);
    }
    if (row.mercadopagoId === null) return row;
    const credentials = await this.credentials.resolve(row.credentialId);
    const gateway = await this.gateway.getPayment(credentials.accessToken, row.mercadopagoId);
    return this.database.transaction((tx) => this.applyLocked(tx, row.id, gateway));
  }

  /**
   * Applies what Mercado Pago says about one of its payments (from a notification): only when
   * newer than what we hold; a payment made outside this service is recorded too.
   */
  async applyFromGateway(credentialId: string, gateway: GatewayPayment): Promise<PaymentRow> {
    return this.database.transaction(async (tx) => {
      const row = await this.payments.lockByMercadopagoId(tx, gateway.mercadopagoId);
      if (row) return this.apply(tx, row, gateway);
      const inserted = await this.payments.insertSettled(tx, {
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
        payerEmail: gateway.payerEmail ?? '',
        cardFirstSixDigits: gateway.cardFirstSixDigits,
        cardLastFourDigits: gateway.cardLastFourDigits,
        gatewayIdempotencyKey: `mps-external-${gateway.mercadopagoId}`,
        dateApproved: gateway.dateApproved,
        gatewayUpdatedAt: gateway.dateLastUpdated,
        createdAt: gateway.dateCreated ?? new Date(),
      });
      await this.outbox.append(tx, this.events(inserted, 'created', true));
      return inserted;
    });
  }

  /** Applies Mercado Pago's view inside a transaction, with the row locked. */
  async applyLocked(tx: Tx, id: string, gateway: GatewayPayment): Promise<PaymentRow> {
    const row = await this.payments.lockById(tx, id);
    if (!row) throw PaymentError.notFound(id);
    return this.apply(tx, row, gateway);
  }

  private async apply(tx: Tx, row: PaymentRow, gateway: GatewayPayment): Promise<PaymentRow> {
    const first = row.status === 'submitting';
    if (!first && !this.isNewer(row, gateway)) return row;
    const updated = await this.payments.applyGateway(tx, row.id, gateway);
    const statusChanged = first || updated.status !== row.status;
    await this.outbox.append(
      tx,
      this.events(updated, first ? 'created' : 'updated', statusChanged),
    );
    if (statusChanged) {
      this.logger.log(
        `Payment ${row.id} ${row.status} → ${updated.status} (${updated.statusDetail})`,
      );
    }
    return updated;
  }

  /** Out-of-order answers (an older state arriving last) must never overwrite a newer one. */
  private isNewer(row: PaymentRow, gateway: GatewayPayment): boolean {
    const held = row.gatewayUpdatedAt?.getTime();
    const incoming = gateway.dateLastUpdated?.getTime();
    if (held === undefined || incoming === undefined) return true;
    if (incoming !== held) return incoming > held;
    return (
      gateway.status !== row.status ||
      gateway.statusDetail !== row.statusDetail ||
      gateway.amountRefunded !== row.amountRefunded ||
      gateway.captured !== row.captured
    );
  }

  private events(row: PaymentRow, kind: 'created' | 'updated', statusChanged: boolean): NewEvent[] {
    const payload = { payment: PaymentDto.from(row) };
    const events: NewEvent[] = [{ type: `payment.${kind}`, subjectId: row.id, payload }];
    if (statusChanged) events.push({ type: `payment.${row.status}`, subjectId: row.id, payload });
    return events;
  }
}
