import type { Scope } from './scopes';

/** Who is calling: a service token, or the ADMIN_TOKEN from the environment. */
export interface Principal {
  tokenId: string;
  name: string;
  scopes: readonly Scope[];
  /** Set when the token is limited to these credentials; undefined means every credentials. */
  credentialIds?: readonly string[];
}

/** Whether the caller may see and act on what belongs to these credentials. */
export function mayUseCredentials(
  principal: Pick<Principal, 'credentialIds'>,
  credentialId: string,
): boolean {
  return principal.credentialIds === undefined || principal.credentialIds.includes(credentialId);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
