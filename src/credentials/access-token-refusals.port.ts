import { Secret } from '../common/secret';

/**
 * What mercadopago/ tells credentials/ when Mercado Pago answers 401 to an access token, before
 * the caller hears of it: the credentials holding that token are then marked invalid.
 */
export abstract class AccessTokenRefusals {
  abstract refused(accessToken: Secret, reason: string): Promise<void>;
}

/** A stored access token opened for calls; it names its credentials, so a 401 can be pinned on them. */
export class CredentialToken extends Secret {
  constructor(
    value: string,
    readonly credentialId: string,
    /** When this token was set: a 401 for a token rotated away since marks nothing. */
    readonly setAt: Date | null,
  ) {
    super(value);
  }
}
