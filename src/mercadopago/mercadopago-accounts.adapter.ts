import { Injectable } from '@nestjs/common';
import { User } from 'mercadopago';
import type { Secret } from '../common/secret';
import { CredentialCheckFailedError } from '../credentials/credentials.errors';
import { MercadoPagoAccount, MercadoPagoAccounts } from '../credentials/mercadopago-accounts.port';
import { sdkConfig, toGatewayError } from './mercadopago-sdk';
import { GatewayRejectedError } from '../common/errors/gateway-errors';

@Injectable()
export class MercadoPagoAccountsAdapter extends MercadoPagoAccounts {
  async whoAmI(accessToken: Secret): Promise<MercadoPagoAccount> {
    let user: Awaited<ReturnType<User['get']>>;
    try {
      user = await new User(sdkConfig(accessToken)).get();
    } catch (error) {
      const mapped = toGatewayError(error, 'read the account behind the access token');
      // 401/403: Mercado Pago does not accept the token (unknown, revoked or renewed).
      if (mapped instanceof GatewayRejectedError && [401, 403].includes(mapped.gatewayStatus)) {
        throw new CredentialCheckFailedError(
          `Mercado Pago refused the access token (HTTP ${mapped.gatewayStatus})`,
        );
      }
      throw mapped;
    }
    if (user.id === undefined || !user.site_id) {
      throw new CredentialCheckFailedError(
        'Mercado Pago returned no user id or site for the token',
      );
    }
    return { userId: String(user.id), siteId: user.site_id, testUser: isTestUser(user) };
  }
}

/**
 * Mercado Pago documents no flag for it: the users API tags test users `test_user`, and test
 * users get a TESTUSER… nickname or a test_user_…@testuser.com email (fact sheet §10).
 */
function isTestUser(user: { tags?: string[]; nickname?: string; email?: string }): boolean {
  return (
    (user.tags ?? []).includes('test_user') ||
    /^TESTUSER/i.test(user.nickname ?? '') ||
    /@testuser\.com$/i.test(user.email ?? '')
  );
}
