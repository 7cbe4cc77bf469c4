import type { Scope } from './scopes';

/** Who is calling: a service token, or the ADMIN_TOKEN from the environment. */
export interface Principal {
  tokenId: string;
  name: string;
  scopes: readonly Scope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
