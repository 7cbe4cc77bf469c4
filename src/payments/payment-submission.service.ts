import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain-error';
import {
  GatewayRejectedError,
  GatewayUnauthorizedError,
  GatewayUnavailableError,
} from '../common/errors/gateway-errors';
import { FieldError, RequestValidationError } from '../common/errors/domain-error';
import { AmountError, toMajorNumber, toMinorUnits } from '../common/money';
import { AppConfig } from '../config/app-config';
import { CredentialUnusableError } from '../credentials/credentials.errors';
import { CredentialsService, UsableCredentials } from '../credentials/credentials.service';
import { SITE_CURRENCY, SITE_IDENTIFICATION_TYPES } from '../credentials/sites';
import { Database } from '../database/database';
import { IdempotencyRef } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { AdditionalInfoDto } from './dto/additional-info.dto';
import { DEVICE_ID, DEVICE_ID_MESSAGE, PaymentCreateDto } from './dto/payment-create.dto';
import { PaymentDto } from './dto/payment.dto';
import { NotificationUrls } from './notification-url';
import { CreatePaymentRequest, GatewayPayment, PaymentGateway } from './payment-gateway.port';
import { PaymentWriter } from './payment-writer';
import { PaymentError, invalidField } from './payments.errors';
import { PaymentsRepository } from './payments.repository';
import { PaymentRow } from './payments.schema';

export const CREATE_SCOPE = 'payments.create';
/** Where MercadoPago.js's device session id may come, as Mercado Pago's own header. */
export const SESSION_HEADER = 'X-Meli-Session-Id';
/** A lost charge is searched for from a little before its row was written (clock skew). */
const SEARCH_MARGIN_MS = 5 * 60_000;

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

/** Mercado Pago's 3DS rules: the charge is captured at once and may wait for the challenge. */
function checkThreeDs(capture: boolean, binaryMode: boolean): void {
  const errors: FieldError[] = [];
  if (!capture) errors.push({ field: 'capture', messages: ['must be true with 3DS'] });
  if (binaryMode) errors.push({ field: 'binary_mode', messages: ['must be false with 3DS'] });
  if (errors.length > 0) throw new RequestValidationError(errors);
}

/** The header and the field name the same thing: either will do, both must agree. */
function deviceId(field: string | undefined, header: string | undefined): string | undefined {
  if (header === undefined) return field;
  if (!DEVICE_ID.test(header)) throw invalidField(SESSION_HEADER, DEVICE_ID_MESSAGE);
  if (field !== undefined && field !== header) {
    throw invalidField('device_id', `differs from the ${SESSION_HEADER} header; send one of them`);
  }
  return header;
}

/** Mercado Pago's shape, with each unit price checked against the currency and sent in major units. */
function additionalInfo(info: AdditionalInfoDto, currencyId: string): Record<string, unknown> {
  const items = info.items?.map((item, index) => ({
    ...item,
    unit_price: toMajorNumber(
      parseAmount(`additional_info.items.${index}.unit_price`, item.unit_price, currencyId),
      currencyId,
    ),
  }));
  return { ...info, ...(items && { items }) };
}

/**
 * Creating a payment and resuming one whose answer never came. A payment is sent (and re-sent,
 * always with the same X-Idempotency-Key) only within PAYMENT_RESEND_WINDOW_SECONDS of its
 * first send; after that it is looked up at Mercado Pago by the reference in its metadata and
 * settled from what is found, or abandoned, so a buyer is never charged long after checkout.
 */
@Injectable()
export class PaymentSubmissionService {
  constructor(
    private readonly database: Database,
    private readonly payments: PaymentsRepository,
    private readonly writer: PaymentWriter,
    private readonly idempotency: IdempotencyService,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
    private readonly urls: NotificationUrls,
    private readonly config: AppConfig,
  ) {}

  async create(
    principal: Principal,
    key: string,
    dto: PaymentCreateDto,
    sessionHeader?: string,
  ): Promise<IdempotentResult<unknown>> {
    const credentials = await this.credentials.resolve(dto.credential_id, principal);
    const request = this.buildRequest(credentials, dto, sessionHeader);
    const ref = { owner: principal.tokenId, scope: CREATE_SCOPE, key };
    // The request as understood (minor units, resolved credentials), not as spelled.
    const normalised = { credentialId: credentials.id, ...request, notificationUrl: undefined };
    const id = randomUUID();
    const { row: inserted, values } = this.payments.submitting({
      id,
      credentialId: credentials.id,
      liveMode: credentials.liveMode,
      createdBy: principal.tokenId,
      currencyId: request.currencyId,
      amount: request.amount,
      installments: request.installments,
      paymentMethodId: request.paymentMethodId,
      issuerId: request.issuerId ?? null,
      capture: request.capture,
      binaryMode: request.binaryMode,
      externalReference: request.externalReference ?? null,
      description: request.description ?? null,
      statementDescriptor: request.statementDescriptor ?? null,
      metadata: request.metadata ?? null,
      payerEmail: request.payer.email,
      additionalInfo: request.additionalInfo ?? null,
      deviceId: request.deviceId ?? null,
      threeDSecureMode: request.threeDSecureMode,
      pendingRequest: { ...request, reference: id } satisfies CreatePaymentRequest,
      // Derived from our own record: the same for every retry of this payment, ours or the SDK's.
      gatewayIdempotencyKey: `mps-payment-${id}`,
    });
    const start = await this.idempotency.startWith(ref, normalised, {
      id,
      withKey: this.payments.insertWithKey,
      values,
      insert: (tx) => this.payments.insertSubmitting(tx, values),
    });
    if (start.kind === 'replay') return { ...start, replayed: true };
    // A first use made the row just now; a resumed one is read as it stands.
    const row =
      start.kind === 'new'
        ? inserted
        : await this.payments.findById(this.database.db, start.resourceId);
    if (!row) throw new Error(`idempotency key points at missing payment ${start.resourceId}`);
    const body = await this.submit(row, start.ref, credentials, start.kind === 'new');
    return { status: 201, body, replayed: false };
  }

  /**
   * Settles a submitting payment for whoever holds its key (a caller's retry, the reconciler, or
   * nobody once the key is purged): re-sent within its window, looked up after it. The key gets
   * the answer, or is released for the next try.
   */
  submit(
    row: PaymentRow,
    ref: IdempotencyRef | undefined,
    known?: UsableCredentials,
    firstSend = false,
  ) {
    return this.idempotency.answer(ref, async () =>
      PaymentDto.from(await this.settle(row, ref, known, firstSend)),
    );
  }

  private async settle(
    row: PaymentRow,
    ref: IdempotencyRef | undefined,
    known: UsableCredentials | undefined,
    firstSend: boolean,
  ): Promise<PaymentRow> {
    if (row.status !== 'submitting' || !row.pendingRequest) return row;
    const credentials =
      known?.id === row.credentialId ? known : await this.credentials.resolve(row.credentialId);
    if (this.windowOver(row)) return this.settleLost(row, credentials);
    const gateway = await this.send(row, ref, credentials, firstSend);
    return this.writer.answerCreate(row, gateway, ref);
  }

  /**
   * One send with the payment's own key. A refusal ends the payment as failed, with the refusal
   * stored as the key's answer in the same transaction, and is thrown on to the caller. A 401 is
   * Mercado Pago refusing the token before it looks at the key: on a first send nothing was
   * charged, but an earlier send may have been, so a resent payment stays submitting.
   */
  private async send(
    row: PaymentRow,
    ref: IdempotencyRef | undefined,
    credentials: UsableCredentials,
    firstSend: boolean,
  ): Promise<GatewayPayment> {
    try {
      return await this.gateway.createPayment(
        credentials.accessToken,
        row.pendingRequest as CreatePaymentRequest,
        row.gatewayIdempotencyKey,
      );
    } catch (error) {
      if (error instanceof GatewayUnauthorizedError && !firstSend) {
        throw CredentialUnusableError.onResend(credentials.id, `payment ${row.id}`, error);
      }
      if (error instanceof GatewayRejectedError) {
        await this.database.transaction(async (tx) => {
          await this.writer.fail(tx, row.id, error.details);
          await this.idempotency.complete(tx, ref, error.status, storedError(error));
        });
      } else if (error instanceof GatewayUnavailableError) {
        throw new GatewayUnavailableError(
          `${error.message}; payment ${row.id} stays submitting: retry with the same Idempotency-Key`,
          error.timedOut,
        );
      }
      throw error;
    }
  }

  /** Past its window: whatever Mercado Pago holds under our reference, or nothing at all. */
  private async settleLost(row: PaymentRow, credentials: UsableCredentials): Promise<PaymentRow> {
    const found = await this.gateway.findByReference(credentials.accessToken, {
      reference: row.id,
      createdFrom: new Date(row.createdAt.getTime() - SEARCH_MARGIN_MS),
      createdTo: new Date(Date.now() + SEARCH_MARGIN_MS),
    });
    if (found) return this.writer.record(row.credentialId, found);
    return this.writer.abandon(
      row.id,
      `no answer from Mercado Pago within ${this.config.payments.resendWindowSeconds} s, and no charge found there`,
    );
  }

  private windowOver(row: PaymentRow): boolean {
    return Date.now() - row.createdAt.getTime() > this.config.payments.resendWindowSeconds * 1000;
  }

  /** For the reconciler and POST …/sync: settles a submitting payment unless a caller is at it. */
  async resume(row: PaymentRow): Promise<PaymentDto> {
    const ref = await this.idempotency.leaseForResource(CREATE_SCOPE, row.id);
    if (ref === 'busy') throw PaymentError.busy(row.id);
    return this.submit(row, ref);
  }

  private buildRequest(
    credentials: UsableCredentials,
    dto: PaymentCreateDto,
    sessionHeader: string | undefined,
  ): Omit<CreatePaymentRequest, 'reference'> {
    const currencyId = SITE_CURRENCY[credentials.siteId];
    const identification = dto.payer.identification;
    const allowed = SITE_IDENTIFICATION_TYPES[credentials.siteId];
    if (identification && !allowed.includes(identification.type)) {
      throw invalidField(
        'payer.identification.type',
        `must be one of ${allowed.join(', ')} for site ${credentials.siteId}`,
      );
    }
    const capture = dto.capture ?? true;
    const binaryMode = dto.binary_mode ?? false;
    const threeDSecureMode = dto.three_d_secure_mode ?? 'not_supported';
    if (threeDSecureMode !== 'not_supported') checkThreeDs(capture, binaryMode);
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
      capture,
      binaryMode,
      notificationUrl: this.urls.forCredentials(credentials.id),
      additionalInfo: dto.additional_info && additionalInfo(dto.additional_info, currencyId),
      deviceId: deviceId(dto.device_id, sessionHeader),
      threeDSecureMode,
    };
  }
}
