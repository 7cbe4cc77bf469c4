import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../common/errors/domain-error';
import { CREDENTIALS_FILTERED_KEY, PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';
import { RateLimiter } from './rate-limiter';
import type { Scope } from './scopes';
import { TokensService } from './tokens.service';

/**
 * Global: every route needs a bearer token holding the route's scopes unless marked @Public(),
 * within the token's rate limit, and, for a token limited to some credentials, a route marked
 * @CredentialsFiltered().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw AuthError.missing();
    const principal = await this.tokens.authenticate(match[1]);
    if (!principal) throw AuthError.invalid();
    const retryAfter = this.limiter.take(principal.tokenId);
    if (retryAfter > 0) throw AuthError.rateLimited(retryAfter);

    const required = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [];
    if (!required.every((scope) => principal.scopes.includes(scope))) {
      throw AuthError.insufficientScope(required);
    }
    if (
      principal.credentialIds &&
      !this.reflector.getAllAndOverride<boolean>(CREDENTIALS_FILTERED_KEY, targets)
    ) {
      throw AuthError.limitedToCredentials();
    }
    request.principal = principal;
    return true;
  }
}
