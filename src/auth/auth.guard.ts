import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../common/errors/domain-error';
import { PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';
import type { Scope } from './scopes';
import { TokensService } from './tokens.service';

/** Global: every route needs a bearer token holding the route's scopes unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw AuthError.missing();
    const principal = await this.tokens.authenticate(match[1]);
    if (!principal) throw AuthError.invalid();

    const required = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [];
    if (!required.every((scope) => principal.scopes.includes(scope))) {
      throw AuthError.insufficientScope(required);
    }
    request.principal = principal;
    return true;
  }
}
