import type { FastifyRequest } from 'fastify';
import { MpError } from '../common/mp-error.util';
import type { Account } from '../state/accounts.state';
import type { AccountRegistry } from '../state/accounts.state';

/**
 * `Authorization: Bearer <access token>` on server calls; card tokens and payment-method lookups
 * also take the front end's `?public_key=`. Unknown or removed credentials are a 401, as after a
 * credential renewal in Mercado Pago.
 */
export function authenticate(
  accounts: AccountRegistry,
  request: FastifyRequest,
  allowPublicKey = false,
): Account {
  const header = request.headers.authorization;
  if (header) {
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    const account = token ? accounts.byAccessToken(token) : undefined;
    if (!account) {
      throw new MpError(401, 'invalid access token', [
        { code: 'unauthorized', description: 'invalid access token' },
      ]);
    }
    return account;
  }
  const publicKey = (request.query as Record<string, string | undefined>).public_key;
  if (allowPublicKey && publicKey) {
    const account = accounts.byPublicKey(publicKey);
    if (!account) {
      throw new MpError(401, 'invalid public_key', [
        { code: 'unauthorized', description: 'invalid public_key' },
      ]);
    }
    return account;
  }
  throw new MpError(401, 'Must provide your access_token to proceed', [
    { code: 5, description: 'Must provide your access_token to proceed' },
  ]);
}
