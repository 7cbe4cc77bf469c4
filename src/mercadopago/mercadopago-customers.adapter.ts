import { Injectable } from '@nestjs/common';
import { Customer, CustomerCard, MercadoPagoConfig } from 'mercadopago';
import type { CustomerResponse } from 'mercadopago/dist/clients/customer/commonTypes';
import type { CustomerCardResponse } from 'mercadopago/dist/clients/customerCard/commonTypes';
import { GatewayRejectedError } from '../common/errors/gateway-errors';
import type { Secret } from '../common/secret';
import {
  CustomerGateway,
  EMAIL_TAKEN,
  GatewayCard,
  GatewayCustomer,
  NewGatewayCustomer,
} from '../customers/customer-gateway.port';
import { UnexpectedGatewayResponse } from './mercadopago-payment.mapper';
import { SdkCalls } from './sdk-calls';

/** The Customers API's cause code for "a customer with this email already exists". */
const CUSTOMER_EXISTS_CAUSE = '101';

const optional = <T>(value: T | null | undefined): T | null => value ?? null;

/** Card digits come as strings in the docs but as numbers in some answers, losing leading zeros. */
function digits(value: unknown, length: number): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return String(value).padStart(length, '0');
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toGatewayCustomer(response: CustomerResponse): GatewayCustomer {
  if (!response.id || !response.email) {
    throw new UnexpectedGatewayResponse('customer without id or email');
  }
  return {
    mercadopagoId: response.id,
    email: response.email,
    firstName: response.first_name || null,
    lastName: response.last_name || null,
  };
}

function toGatewayCard(response: CustomerCardResponse): GatewayCard {
  const firstSix = digits(response.first_six_digits, 6);
  const lastFour = digits(response.last_four_digits, 4);
  // Card ids are documented as strings but have come back as numbers (1562188766851).
  const id = response.id != null ? String(response.id) : '';
  if (!id || !firstSix || !lastFour) {
    throw new UnexpectedGatewayResponse('saved card without id or digits');
  }
  return {
    id,
    firstSixDigits: firstSix,
    lastFourDigits: lastFour,
    expirationMonth: optional(response.expiration_month),
    expirationYear: optional(response.expiration_year),
    paymentMethodId: optional(response.payment_method?.id),
    paymentTypeId: optional(response.payment_method?.payment_type_id),
    // Like a payment's issuer_id: a string for us, whatever Mercado Pago sends.
    issuerId: response.issuer?.id != null ? String(response.issuer.id) : null,
    issuerName: optional(response.issuer?.name),
    cardholderName: optional(response.cardholder?.name),
    dateCreated: response.date_created ? new Date(response.date_created) : null,
  };
}

/** CustomerGateway on the official SDK's Customer and CustomerCard clients. */
@Injectable()
export class MercadoPagoCustomersAdapter extends CustomerGateway {
  constructor(private readonly sdk: SdkCalls) {
    super();
  }

  /** The answer as the SDK gives it: reading it is left to each method. */
  private withSdk<T>(
    accessToken: Secret,
    action: string,
    work: (config: MercadoPagoConfig) => Promise<T>,
  ): Promise<T> {
    return this.sdk.run(accessToken, action, work, (answer) => answer);
  }

  async createCustomer(
    accessToken: Secret,
    customer: NewGatewayCustomer,
    idempotencyKey: string,
  ): Promise<GatewayCustomer | typeof EMAIL_TAKEN> {
    try {
      const response = await this.withSdk(accessToken, 'create customer', (config) =>
        new Customer(config).create({
          body: {
            email: customer.email,
            first_name: customer.firstName,
            last_name: customer.lastName,
            identification: customer.identification,
          },
          requestOptions: { idempotencyKey },
        }),
      );
      return toGatewayCustomer(response);
    } catch (error) {
      if (
        error instanceof GatewayRejectedError &&
        error.causes.some((cause) => cause.code === CUSTOMER_EXISTS_CAUSE)
      ) {
        return EMAIL_TAKEN;
      }
      throw error;
    }
  }

  async findCustomerByEmail(
    accessToken: Secret,
    email: string,
  ): Promise<GatewayCustomer | undefined> {
    const page = await this.withSdk(accessToken, 'search customers', (config) =>
      new Customer(config).search({ options: { email } }),
    );
    const found = page.results?.[0];
    return found && toGatewayCustomer(found);
  }

  async addCard(
    accessToken: Secret,
    customerId: string,
    token: string,
    idempotencyKey: string,
  ): Promise<GatewayCard> {
    const response = await this.withSdk(accessToken, 'save card', (config) =>
      new CustomerCard(config).create({
        customerId,
        body: { token },
        requestOptions: { idempotencyKey },
      }),
    );
    return toGatewayCard(response);
  }

  async listCards(accessToken: Secret, customerId: string): Promise<GatewayCard[]> {
    const response = await this.withSdk(accessToken, 'list cards', (config) =>
      new CustomerCard(config).list({ customerId }),
    );
    return response.map(toGatewayCard);
  }

  async deleteCard(
    accessToken: Secret,
    customerId: string,
    cardId: string,
    idempotencyKey: string,
  ): Promise<GatewayCard> {
    const response = await this.withSdk(accessToken, 'delete card', (config) =>
      new CustomerCard(config).remove({ customerId, cardId, requestOptions: { idempotencyKey } }),
    );
    return toGatewayCard(response);
  }
}
