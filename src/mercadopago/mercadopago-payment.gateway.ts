import { Injectable } from '@nestjs/common';
import { Payment } from 'mercadopago';
import type { PaymentResponse } from 'mercadopago/dist/clients/payment/commonTypes';
import type { RefundResponse } from 'mercadopago/dist/clients/paymentRefund/commonTypes';
import { RestClient } from 'mercadopago/dist/utils/restClient';
import { toMajorNumber } from '../common/money';
import { Secret } from '../common/secret';
import {
  ChargeSearch,
  CreatePaymentRequest,
  PAYMENT_REFERENCE_KEY,
  GatewayPayment,
  GatewayRefund,
  PaymentGateway,
  SearchedPayment,
  UpdatedSearch,
} from '../payments/payment-gateway.port';
import {
  UnexpectedGatewayResponse,
  toGatewayPayment,
  toGatewayRefund,
  toPaymentBody,
} from './mercadopago-payment.mapper';
import { SdkCalls } from './sdk-calls';
import { GatewayUnavailableError } from '../common/errors/gateway-errors';

/** A lost charge is looked for among at most this many payments of its creation window. */
const SEARCH_PAGE = 1000;
const SEARCH_PAGES = 10;

/** Where a search result sits in date_last_updated order; without it the page cannot be used. */
function placed(summary: unknown) {
  const result = summary as PaymentResponse;
  const mercadopagoId = Number(result.id);
  const dateLastUpdated = result.date_last_updated ? new Date(result.date_last_updated) : null;
  if (
    !Number.isSafeInteger(mercadopagoId) ||
    !dateLastUpdated ||
    isNaN(dateLastUpdated.getTime())
  ) {
    throw new UnexpectedGatewayResponse('search result without id or date_last_updated');
  }
  return { mercadopagoId, dateLastUpdated, result };
}

/** PaymentGateway on the official SDK: a new config per call, an explicit key on every write. */
@Injectable()
export class MercadoPagoPaymentGateway extends PaymentGateway {
  constructor(private readonly sdk: SdkCalls) {
    super();
  }

  async createPayment(
    accessToken: Secret,
    request: CreatePaymentRequest,
    idempotencyKey: string,
  ): Promise<GatewayPayment> {
    return this.sdk.run(
      accessToken,
      'create payment',
      (config) =>
        new Payment(config).create({
          body: toPaymentBody(request),
          requestOptions: { idempotencyKey, meliSessionId: request.deviceId },
        }),
      toGatewayPayment,
    );
  }

  async getPayment(accessToken: Secret, mercadopagoId: number): Promise<GatewayPayment> {
    return this.sdk.run(
      accessToken,
      'get payment',
      (config) => new Payment(config).get({ id: mercadopagoId }),
      toGatewayPayment,
    );
  }

  async findByReference(
    accessToken: Secret,
    search: ChargeSearch,
  ): Promise<GatewayPayment | undefined> {
    for (let page = 0; page < SEARCH_PAGES; page += 1) {
      const found = await this.sdk.run(
        accessToken,
        'search payments',
        (config) =>
          new Payment(config).search({
            options: {
              range: 'date_created',
              begin_date: search.createdFrom.toISOString(),
              end_date: search.createdTo.toISOString(),
              sort: 'date_created',
              criteria: 'asc',
              limit: SEARCH_PAGE,
              offset: page * SEARCH_PAGE,
            },
          }),
        (answer) => {
          const results = answer.results ?? [];
          const match = results.find(
            (result) =>
              (result as { metadata?: Record<string, unknown> }).metadata?.[
                PAYMENT_REFERENCE_KEY
              ] === search.reference,
          );
          return { id: match ? Number(match.id) : undefined, more: results.length === SEARCH_PAGE };
        },
      );
      // Search results are summaries: the payment itself is read in full.
      if (found.id !== undefined) return this.getPayment(accessToken, found.id);
      if (!found.more) return undefined;
    }
    throw new GatewayUnavailableError(
      `Mercado Pago holds more than ${SEARCH_PAGE * SEARCH_PAGES} payments in the window of ${search.reference}`,
      false,
    );
  }

  async searchUpdated(accessToken: Secret, search: UpdatedSearch): Promise<SearchedPayment[]> {
    const results = await this.sdk.run(
      accessToken,
      'search payments',
      (config) =>
        new Payment(config).search({
          options: {
            range: 'date_last_updated',
            begin_date: search.updatedFrom.toISOString(),
            end_date: search.updatedTo.toISOString(),
            sort: 'date_last_updated',
            criteria: 'asc',
            limit: search.limit,
            offset: search.offset,
          },
        }),
      (answer) => (answer.results ?? []).map(placed),
    );
    const read: SearchedPayment[] = [];
    for (const { result, ...place } of results) {
      read.push({
        ...place,
        ...(await this.readSearched(accessToken, place.mercadopagoId, result)),
      });
    }
    return read;
  }

  /**
   * A search result is the payment when it reads in full; the SDK calls results summaries, so
   * one that does not (no refunds list, say) is read by id before it is called unreadable.
   */
  private async readSearched(
    accessToken: Secret,
    mercadopagoId: number,
    result: PaymentResponse,
  ): Promise<Pick<SearchedPayment, 'payment' | 'unreadable'>> {
    try {
      return { payment: toGatewayPayment(result) };
    } catch {
      const full = await this.sdk.run(
        accessToken,
        'get payment',
        (config) => new Payment(config).get({ id: mercadopagoId }),
        (answer) => answer,
      );
      try {
        return { payment: toGatewayPayment(full) };
      } catch (error) {
        if (error instanceof UnexpectedGatewayResponse) return { unreadable: error.message };
        throw error;
      }
    }
  }

  async capture(
    accessToken: Secret,
    mercadopagoId: number,
    amount: { minor: number; currencyId: string } | undefined,
    idempotencyKey: string,
  ): Promise<GatewayPayment> {
    return this.sdk.run(
      accessToken,
      'capture payment',
      (config) =>
        new Payment(config).capture({
          id: mercadopagoId,
          transaction_amount: amount && toMajorNumber(amount.minor, amount.currencyId),
          requestOptions: { idempotencyKey },
        }),
      toGatewayPayment,
    );
  }

  async cancel(
    accessToken: Secret,
    mercadopagoId: number,
    idempotencyKey: string,
  ): Promise<GatewayPayment> {
    return this.sdk.run(
      accessToken,
      'cancel payment',
      (config) =>
        new Payment(config).cancel({
          id: mercadopagoId,
          requestOptions: { idempotencyKey },
        }),
      toGatewayPayment,
    );
  }

  async refund(
    accessToken: Secret,
    mercadopagoId: number,
    amount: { minor?: number; currencyId: string },
    idempotencyKey: string,
  ): Promise<GatewayRefund> {
    const body =
      amount.minor === undefined ? {} : { amount: toMajorNumber(amount.minor, amount.currencyId) };
    // The SDK's refund client cannot send this header; its RestClient (same retries) can. Without
    // it Mercado Pago hides refunds still in process, which we must hold as reserved.
    return this.sdk.run(
      accessToken,
      'refund payment',
      (config) =>
        RestClient.fetch<RefundResponse>(`/v1/payments/${mercadopagoId}/refunds`, {
          ...config.options,
          idempotencyKey,
          method: 'POST',
          headers: {
            Authorization: `Bearer ${accessToken.reveal()}`,
            'X-Render-In-Process-Refunds': 'true',
          },
          body: JSON.stringify(body),
        }),
      (answer) => toGatewayRefund(answer, amount.currencyId),
    );
  }
}
