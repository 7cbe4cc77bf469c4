import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/auth.util';
import { asRecord } from '../common/body.util';
import { notFound } from '../common/mp-error.util';
import type { EmulatorContext } from '../emulator.context';
import { createCardToken, renderCardToken } from '../services/card-tokens.service';

export function registerCardTokenRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/v1/card_tokens', (request, reply) => {
    const account = authenticate(ctx.accounts, request, true);
    const token = createCardToken(ctx.store, account, asRecord(request.body), ctx.clock());
    return reply.code(201).send(renderCardToken(token));
  });

  app.get<{ Params: { id: string } }>('/v1/card_tokens/:id', (request) => {
    const account = authenticate(ctx.accounts, request, true);
    const token = ctx.store.owned(ctx.store.cardTokens, request.params.id, account.user_id);
    if (!token) throw notFound('Card Token not found', 2006);
    return renderCardToken(token);
  });
}
