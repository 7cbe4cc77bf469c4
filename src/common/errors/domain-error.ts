/**
 * A failure the caller can act on. Services and adapters throw these (never HttpException); the
 * one global filter turns them into the contract's error body.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 404);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 409, details);
  }
}

export interface FieldError {
  field: string;
  messages: string[];
}

export class RequestValidationError extends DomainError {
  constructor(errors: FieldError[]) {
    super(
      'REQUEST_VALIDATION_FAILED',
      `Invalid request: ${errors.map((e) => `${e.field} ${e.messages.join(', ')}`).join('; ')}`,
      400,
      errors,
    );
  }
}

export class AuthError extends DomainError {
  static missing(): AuthError {
    return new AuthError(
      'AUTH_TOKEN_MISSING',
      'Send a service token as "Authorization: Bearer <token>"',
      401,
    );
  }

  static invalid(): AuthError {
    return new AuthError('AUTH_TOKEN_INVALID', 'The service token is unknown or revoked', 401);
  }

  static insufficientScope(required: string[]): AuthError {
    return new AuthError(
      'AUTH_INSUFFICIENT_SCOPE',
      `This route needs the scope(s): ${required.join(', ')}`,
      403,
      { required_scopes: required },
    );
  }

  static rateLimited(retryAfterSeconds: number): AuthError {
    return new AuthError(
      'REQUEST_RATE_LIMITED',
      'Too many requests with this service token (API_RATE_LIMIT); retry after Retry-After',
      429,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }

  /** The token is limited to other credentials. */
  static credentialsNotAllowed(credentialId: string): AuthError {
    return new AuthError(
      'AUTH_CREDENTIALS_NOT_ALLOWED',
      `This token may not use credentials ${credentialId}`,
      403,
      { credential_id: credentialId },
    );
  }

  /** The route acts across credentials, and the token is limited to some. */
  static limitedToCredentials(): AuthError {
    return new AuthError(
      'AUTH_CREDENTIALS_NOT_ALLOWED',
      'This route is for tokens that are not limited to some credentials',
      403,
    );
  }
}
