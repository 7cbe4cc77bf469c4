import { DomainError } from '../common/errors/domain-error';

export class CustomerError extends DomainError {
  static notFound(id: string): CustomerError {
    return new CustomerError('CUSTOMER_NOT_FOUND', `No customer with id ${id}`, 404);
  }

  /** Ours, but deleted at Mercado Pago (by another system or in its dashboard). */
  static goneAtMercadoPago(id: string): CustomerError {
    return new CustomerError(
      'CUSTOMER_NOT_FOUND',
      `Mercado Pago no longer has customer ${id}`,
      404,
    );
  }

  static cardNotFound(customerId: string, cardId: string): CustomerError {
    return new CustomerError(
      'CUSTOMER_CARD_NOT_FOUND',
      `Customer ${customerId} has no saved card ${cardId}`,
      404,
    );
  }

  /** Mercado Pago said the email was taken, then could not find it: a race with a deletion. */
  static emailConflict(email: string): CustomerError {
    return new CustomerError(
      'CUSTOMER_EMAIL_CONFLICT',
      `Mercado Pago reports a customer with email ${email} but does not find it; retry`,
      409,
    );
  }
}
