import type { Secret } from '../common/secret';

/** A Mercado Pago customer, narrowed at the edge. */
export interface GatewayCustomer {
  mercadopagoId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
}

/** A saved card as Mercado Pago reports it; digits are always strings (they may come as numbers). */
export interface GatewayCard {
  id: string;
  firstSixDigits: string;
  lastFourDigits: string;
  expirationMonth: number | null;
  expirationYear: number | null;
  paymentMethodId: string | null;
  paymentTypeId: string | null;
  issuerId: string | null;
  issuerName: string | null;
  cardholderName: string | null;
  dateCreated: Date | null;
}

export interface NewGatewayCustomer {
  email: string;
  firstName?: string;
  lastName?: string;
  identification?: { type: string; number: string };
}

/** Mercado Pago already has a customer with that email for this account. */
export const EMAIL_TAKEN = 'email_taken';

/**
 * The port customers owns; mercadopago/ implements it with the official SDK. Writes carry an
 * idempotency key derived from our own records, so the SDK's retries cannot act twice.
 */
export abstract class CustomerGateway {
  abstract createCustomer(
    accessToken: Secret,
    customer: NewGatewayCustomer,
    idempotencyKey: string,
  ): Promise<GatewayCustomer | typeof EMAIL_TAKEN>;

  abstract findCustomerByEmail(
    accessToken: Secret,
    email: string,
  ): Promise<GatewayCustomer | undefined>;

  abstract addCard(
    accessToken: Secret,
    customerId: string,
    token: string,
    idempotencyKey: string,
  ): Promise<GatewayCard>;

  abstract listCards(accessToken: Secret, customerId: string): Promise<GatewayCard[]>;

  abstract deleteCard(
    accessToken: Secret,
    customerId: string,
    cardId: string,
    idempotencyKey: string,
  ): Promise<GatewayCard>;
}
