import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/auth.util';
import type { EmulatorContext } from '../emulator.context';

export function registerChargebackRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/v1/chargebacks/:id', (request) => {
    const account = authenticate(ctx.accounts, request);
    return ctx.chargebacks.get(account, request.params.id);
  });
}
