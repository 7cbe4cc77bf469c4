import { Injectable } from '@nestjs/common';
import { Payment, PaymentRefund } from 'mercadopago';
import { toMajorNumber } from '../common/money';
import { Secret } from '../common/secret';
import {
  CreatePaymentRequest,
  GatewayPayment,
  GatewayRefund,
  PaymentGateway,
} from '../payments/payment-gateway.port';
import { toGatewayPayment, toGatewayRefund, toPaymentBody } from './mercadopago-payment.mapper';
import { sdkConfig, toGatewayError } from './mercadopago-sdk';

/** One SDK call and the reading of its answer: a failure in either becomes a gateway error. */
async function call<Answer, T>(
  action: string,
  work: () => Promise<Answer>,
  read: (answer: Answer) => T,
): Promise<T> {
  try {
    return read(await work());
  } catch (error) {
    throw toGatewayError(error, action);
  }
}

/** PaymentGateway on the official SDK: a new config per call, an explicit key on every write. */
@Injectable()
export class MercadoPagoPaymentGateway extends PaymentGateway {
  async createPayment(
    accessToken: Secret,
    request: CreatePaymentRequest,
    idempotencyKey: string,
  ): Promise<GatewayPayment> {
    return call(
      'create payment',
      () =>
        new Payment(sdkConfig(accessToken)).create({
          body: toPaymentBody(request),
          requestOptions: { idempotencyKey },
        }),
      toGatewayPayment,
    );
  }

  async getPayment(accessToken: Secret, mercadopagoId: number): Promise<GatewayPayment> {
    return call(
      'get payment',
      () => new Payment(sdkConfig(accessToken)).get({ id: mercadopagoId }),
      toGatewayPayment,
    );
  }

  async capture(
    accessToken: Secret,
    mercadopagoId: number,
    amount: { minor: number; currencyId: string } | undefined,
    idempotencyKey: string,
  ): Promise<GatewayPayment> {
    return call(
      'capture payment',
      () =>
        new Payment(sdkConfig(accessToken)).capture({
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
    return call(
      'cancel payment',
      () =>
        new Payment(sdkConfig(accessToken)).cancel({
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
    const client = new PaymentRefund(sdkConfig(accessToken));
    const requestOptions = { idempotencyKey };
    return call(
      'refund payment',
      () =>
        amount.minor !== undefined
          ? client.create({
              payment_id: mercadopagoId,
              body: { amount: toMajorNumber(amount.minor, amount.currencyId) },
              requestOptions,
            })
          : client.total({ payment_id: mercadopagoId, requestOptions }),
      (answer) => toGatewayRefund(answer, amount.currencyId),
    );
  }
}
