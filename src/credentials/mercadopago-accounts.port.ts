import type { Secret } from '../common/secret';

/** Who Mercado Pago says owns an access token: the live check before credentials are stored. */
export interface MercadoPagoAccount {
  userId: string;
  siteId: string;
  liveMode?: boolean;
  /** A Mercado Pago test user: its `APP_USR-` values move fake money only. */
  testUser: boolean;
}

/**
 * The port credentials/ owns for the live check; mercadopago/ implements it. Throws
 * CredentialCheckFailedError when Mercado Pago refuses the token, gateway errors otherwise.
 */
export abstract class MercadoPagoAccounts {
  abstract whoAmI(accessToken: Secret): Promise<MercadoPagoAccount>;
}
