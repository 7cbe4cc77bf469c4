import {
  ExecutionContext,
  SetMetadata,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../common/errors/error-body';
import type { Scope } from './scopes';

export const PUBLIC_KEY = 'auth:public';
export const SCOPES_KEY = 'auth:scopes';
export const CREDENTIALS_FILTERED_KEY = 'auth:credentials-filtered';

/** No service token needed (health, docs, metrics, Mercado Pago's notifications). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The scopes a caller's token must all hold; documents bearer auth and 401/403 in Swagger. */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(
    SetMetadata(SCOPES_KEY, scopes),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'Missing, unknown or revoked token' }),
    ApiForbiddenResponse({
      type: ErrorBody,
      description: `Token lacks scope ${scopes.join(', ')}`,
    }),
  );

/**
 * The route shows and acts only on what belongs to the caller's credentials (Principal
 * credentialIds). Without it, a token limited to some credentials is refused (403): a new route
 * stays closed to such tokens until someone decides it filters.
 */
export const CredentialsFiltered = () => SetMetadata(CREDENTIALS_FILTERED_KEY, true);

/** The authenticated caller, as set by the global guard. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a public route');
    return principal;
  },
);
