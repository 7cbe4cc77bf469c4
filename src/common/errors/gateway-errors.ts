import { DomainError } from './domain-error';

export interface GatewayCause {
  code: string;
  description: string;
}

/**
 * Mercado Pago gave no usable answer (timeout, network, 5xx or 429 after retries): the outcome is
 * unknown, so whatever we were doing must be resumable with the same idempotency key.
 */
export class GatewayUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super('GATEWAY_UNAVAILABLE', message, timedOut ? 504 : 502);
  }
}

/** Mercado Pago refused the request (4xx): nothing happened there. */
export class GatewayRejectedError extends DomainError {
  constructor(
    message: string,
    readonly gatewayStatus: number,
    readonly causes: GatewayCause[],
  ) {
    super('GATEWAY_REJECTED', message, 422, { mercadopago_status: gatewayStatus, causes });
  }
}

/** Mercado Pago refused the access token itself (401): the credentials no longer work. */
export class GatewayUnauthorizedError extends GatewayRejectedError {}

/** Mercado Pago has no such resource (e.g. a payment it cannot serve yet). */
export class GatewayNotFoundError extends DomainError {
  constructor(message: string) {
    super('GATEWAY_NOT_FOUND', message, 404);
  }
}
