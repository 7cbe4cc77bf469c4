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
