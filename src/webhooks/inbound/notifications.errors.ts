import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain-error';

/**
 * The one answer to anything we cannot trust: a bad, missing or replayed signature, and unknown
 * credentials too, so a stranger cannot probe which credential ids exist.
 */
export class WebhookSignatureInvalidError extends DomainError {
  constructor() {
    super(
      'WEBHOOK_SIGNATURE_INVALID',
      'The x-signature header does not verify for these credentials',
      401,
    );
  }
}

export class WebhookRateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      'REQUEST_RATE_LIMITED',
      'Too many notifications with a bad signature from this source; slow down',
      429,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

export class NotificationNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('NOTIFICATION_NOT_FOUND', `No notification with id ${id}`);
  }
}

export class NotificationRetryConflictError extends ConflictError {
  static invalidState(status: string): NotificationRetryConflictError {
    return new NotificationRetryConflictError(
      'NOTIFICATION_INVALID_STATE',
      `A notification that is ${status} cannot be retried`,
      { status },
    );
  }

  static alreadyQueued(): NotificationRetryConflictError {
    return new NotificationRetryConflictError(
      'NOTIFICATION_ALREADY_QUEUED',
      'Another notification for this resource is already waiting to be processed',
    );
  }

  private constructor(code: string, message: string, details?: unknown) {
    super(code, message, details);
  }
}
