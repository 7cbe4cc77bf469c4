import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/auth.util';
import type { EmulatorContext } from '../emulator.context';
import { idempotencyKey } from './payments.routes';

type PaymentRoute = { Params: { id: string } };

/** `X-Render-In-Process-Refunds: true` asks Mercado Pago to show in_process refunds. */
function renderInProcess(request: FastifyRequest): boolean {
  const value = request.headers['x-render-in-process-refunds'];
  return (Array.isArray(value) ? value[0] : value)?.toLowerCase() === 'true';
}

export function registerRefundRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<PaymentRoute>('/v1/payments/:id/refunds', (request, reply) => {
    const account = authenticate(ctx.accounts, request);
    const refund = ctx.refunds.create(
      account,
      request.params.id,
      request.body,
      idempotencyKey(request),
      renderInProcess(request),
    );
    return reply.code(201).send(refund);
  });

  // The SDK lists refunds with a trailing slash (`…/refunds/`); the router ignores it.
  app.get<PaymentRoute>('/v1/payments/:id/refunds', (request) => {
    const account = authenticate(ctx.accounts, request);
    return ctx.refunds.list(account, request.params.id, renderInProcess(request));
  });

  app.get<{ Params: { id: string; refund_id: string } }>(
    '/v1/payments/:id/refunds/:refund_id',
    (request) => {
      const account = authenticate(ctx.accounts, request);
      return ctx.refunds.get(
        account,
        request.params.id,
        request.params.refund_id,
        renderInProcess(request),
      );
    },
  );
}
