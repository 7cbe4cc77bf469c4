import { Injectable } from '@nestjs/common';
import { toMajorNumber } from '../common/money';
import { Secret } from '../common/secret';
import { CredentialsService, UsableCredentials } from '../credentials/credentials.service';
import { Database } from '../database/database';
import { GatewayPayment, PaymentGateway } from './payment-gateway.port';
import { GatewayRejectedError } from '../common/errors/gateway-errors';
import { PaymentQueriesService } from './payment-queries.service';
import { CANCELLABLE_STATUSES } from './payment-status';
import { PaymentSubmissionService, parseAmount } from './payment-submission.service';
import { PaymentWriter } from './payment-writer';
import { PaymentError } from './payments.errors';
import { PaymentRow } from './payments.schema';

/** What callers and workers ask of an existing payment: capture, cancel, re-read. */
@Injectable()
export class PaymentCommandsService {
  constructor(
    private readonly database: Database,
    private readonly queries: PaymentQueriesService,
    private readonly submission: PaymentSubmissionService,
    private readonly writer: PaymentWriter,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
  ) {}

  async capture(id: string, amount: number | string | undefined): Promise<PaymentRow> {
    const row = await this.queries.get(id);
    if (row.status !== 'authorized' || row.mercadopagoId === null) {
      throw PaymentError.invalidState('capture', row.status, ['authorized']);
    }
    const minor = amount === undefined ? undefined : parseAmount('amount', amount, row.currencyId);
    if (minor !== undefined && minor > row.amount) {
      throw PaymentError.captureTooLarge(toMajorNumber(row.amount, row.currencyId));
    }
    return this.command(
      row,
      row.mercadopagoId,
      (accessToken, mercadopagoId) =>
        this.gateway.capture(
          accessToken,
          mercadopagoId,
          minor === undefined ? undefined : { minor, currencyId: row.currencyId },
          // The key covers what is asked: the same capture twice is one capture, and a corrected
          // amount after a refusal is a new request rather than a replay of the refused one.
          `mps-capture-${row.id}-${minor ?? 'full'}`,
        ),
      (gateway) => gateway.captured && (minor === undefined || gateway.amount === minor),
    );
  }

  async cancel(id: string): Promise<PaymentRow> {
    const row = await this.queries.get(id);
    if (!CANCELLABLE_STATUSES.includes(row.status as never) || row.mercadopagoId === null) {
      throw PaymentError.invalidState('cancel', row.status, CANCELLABLE_STATUSES);
    }
    return this.command(
      row,
      row.mercadopagoId,
      (accessToken, mercadopagoId) =>
        this.gateway.cancel(accessToken, mercadopagoId, `mps-cancel-${row.id}`),
      (gateway) => gateway.status === 'cancelled',
    );
  }

  /**
   * Sends a command and applies its answer. A refusal is checked against Mercado Pago's view
   * first: when the same command already went through (its first answer was lost), that view is
   * the answer.
   */
  private async command(
    row: PaymentRow,
    mercadopagoId: number,
    send: (accessToken: Secret, mercadopagoId: number) => Promise<GatewayPayment>,
    done: (gateway: GatewayPayment) => boolean,
  ): Promise<PaymentRow> {
    const { accessToken } = await this.credentials.resolve(row.credentialId);
    let gateway: GatewayPayment;
    try {
      gateway = await send(accessToken, mercadopagoId);
    } catch (error) {
      if (!(error instanceof GatewayRejectedError)) throw error;
      const current = await this.gateway.getPayment(accessToken, mercadopagoId);
      if (!done(current)) throw error;
      gateway = current;
    }
    return this.database.transaction((tx) => this.writer.applyTo(tx, row.id, gateway));
  }

  /** Re-reads the payment from Mercado Pago now; a submitting one is settled as its key would. */
  async sync(id: string): Promise<PaymentRow> {
    const row = await this.queries.get(id);
    if (row.status === 'submitting') {
      await this.submission.resume(row);
      return this.queries.get(id);
    }
    if (row.mercadopagoId === null) return row;
    return this.refresh(await this.credentials.resolve(row.credentialId), row.mercadopagoId);
  }

  /** Mercado Pago says payment `mercadopagoId` changed (a notification): read it and apply it. */
  async refresh(credentials: UsableCredentials, mercadopagoId: number): Promise<PaymentRow> {
    const gateway = await this.gateway.getPayment(credentials.accessToken, mercadopagoId);
    return this.writer.record(credentials.id, gateway);
  }
}
