import { ConflictError, DomainError, NotFoundError } from '../common/errors/domain-error';

export class CredentialNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('CREDENTIAL_NOT_FOUND', `No credentials with id ${id}`);
  }
}

export interface CredentialProblem {
  field: string;
  message: string;
}

/** The values are malformed or inconsistent with each other (nothing was called or stored). */
export class CredentialInvalidError extends DomainError {
  constructor(problems: CredentialProblem[]) {
    super(
      'CREDENTIAL_INVALID',
      `Invalid credentials: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      422,
      problems,
    );
  }
}

/** Mercado Pago refused the token, or it belongs to another site (nothing was stored). */
export class CredentialCheckFailedError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('CREDENTIAL_CHECK_FAILED', message, 422, details);
  }
}

export class CredentialNameTakenError extends ConflictError {
  constructor(name: string) {
    super('CREDENTIAL_NAME_TAKEN', `Credentials named "${name}" already exist`);
  }
}

/** Two writers made different rows the default at once; the caller may retry. */
export class CredentialDefaultConflictError extends ConflictError {
  constructor() {
    super(
      'CREDENTIAL_DEFAULT_CONFLICT',
      'Another request changed the default credentials at the same time; retry',
    );
  }
}

export class CredentialNoDefaultError extends DomainError {
  constructor() {
    super(
      'CREDENTIAL_NO_DEFAULT',
      'No default credentials are set: pass credential_id or mark credentials as default',
      422,
    );
  }
}

export class CredentialSandboxInProductionError extends DomainError {
  constructor(id: string) {
    super(
      'CREDENTIAL_SANDBOX_IN_PRODUCTION',
      `Credentials ${id} are sandbox ones, refused by a production service ` +
        '(set ALLOW_SANDBOX_CREDENTIALS_IN_PRODUCTION=true to allow)',
      422,
    );
  }
}

/**
 * Mercado Pago refused these credentials' access token (401), so nothing is sent with it until
 * POST /v1/credentials/{id}/rotate sets a new one. Same code and status as malformed values:
 * either way the credentials as stored cannot be used.
 */
export class CredentialUnusableError extends DomainError {
  /** A 401 to a re-send: what was re-sent stays submitting, its first send's outcome unknown. */
  static onResend(id: string, what: string, refusal: Error): CredentialUnusableError {
    return new CredentialUnusableError(
      id,
      null,
      refusal.message,
      `Mercado Pago refused the access token of credentials ${id}; ${what} stays submitting ` +
        '(an earlier send may have gone through): rotate the credentials, then retry with the ' +
        'same Idempotency-Key',
    );
  }

  constructor(id: string, invalidAt: Date | null, reason: string | null, message?: string) {
    super(
      'CREDENTIAL_INVALID',
      message ??
        `Mercado Pago refused the access token of credentials ${id}: rotate it ` +
          `(POST /v1/credentials/${id}/rotate with a new access_token)`,
      422,
      { credential_id: id, invalid_at: (invalidAt ?? new Date()).toISOString(), reason },
    );
  }
}
