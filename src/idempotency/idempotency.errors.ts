import { DomainError } from '../common/errors/domain-error';

export class IdempotencyError extends DomainError {
  static missing(): IdempotencyError {
    return new IdempotencyError(
      'IDEMPOTENCY_KEY_MISSING',
      'Send an Idempotency-Key header (1–255 printable characters) so a retry cannot charge twice',
      400,
    );
  }

  static malformed(): IdempotencyError {
    return new IdempotencyError(
      'IDEMPOTENCY_KEY_INVALID',
      'The Idempotency-Key header must be 1–255 printable ASCII characters',
      400,
    );
  }

  static inProgress(): IdempotencyError {
    return new IdempotencyError(
      'IDEMPOTENCY_IN_PROGRESS',
      'A request with this Idempotency-Key is still being processed; retry later',
      409,
      undefined,
      { 'retry-after': '1' },
    );
  }

  static reused(): IdempotencyError {
    return new IdempotencyError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request body',
      422,
    );
  }
}
