import { DomainError, FieldError, RequestValidationError } from '../common/errors/domain-error';

export class PaymentError extends DomainError {
  static notFound(id: string): PaymentError {
    return new PaymentError('PAYMENT_NOT_FOUND', `No payment with id ${id}`, 404);
  }

  static invalidState(action: string, status: string, allowed: readonly string[]): PaymentError {
    return new PaymentError(
      'PAYMENT_INVALID_STATE',
      `Cannot ${action} a payment that is ${status} (only when ${allowed.join(' or ')})`,
      409,
      { status, allowed },
    );
  }

  static busy(id: string): PaymentError {
    return new PaymentError(
      'PAYMENT_BUSY',
      `Payment ${id} is being submitted by another request; retry shortly`,
      409,
    );
  }

  static captureTooLarge(authorized: number): PaymentError {
    return new PaymentError(
      'PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED',
      'Cannot capture more than was authorized',
      422,
      { authorized_amount: authorized },
    );
  }
}

export class RefundError extends DomainError {
  static exceedsAvailable(available: number): RefundError {
    return new RefundError(
      'REFUND_EXCEEDS_AVAILABLE',
      available > 0
        ? 'The refund is larger than what is left to refund'
        : 'Nothing is left to refund on this payment',
      422,
      { available_amount: available },
    );
  }
}

export const invalidField = (field: string, message: string) =>
  new RequestValidationError([{ field, messages: [message] } satisfies FieldError]);
