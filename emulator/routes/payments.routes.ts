import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/auth.util';
import type { EmulatorContext } from '../emulator.context';
import { searchPayments } from '../services/payment-search.service';
import { serializedPayment } from '../services/payment.render';

type IdRoute = { Params: { id: string } };

export function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers['x-idempotency-key'];
  return Array.isArray(value) ? value[0] : value;
}

/** This emulator's address as the caller reached it, for links back to it. */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function registerPaymentRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  // 201 even for a rejected card: a decline is a payment, not an HTTP error.
  app.post('/v1/payments', (request, reply) => {
    const account = authenticate(ctx.accounts, request);
    return reply
      .code(201)
      .send(ctx.payments.create(account, request.body, idempotencyKey(request), originOf(request)));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/payments/search', (request) => {
    const account = authenticate(ctx.accounts, request);
    return searchPayments(ctx.store, account, request.query, ctx.clock());
  });

  app.get<IdRoute>('/v1/payments/:id', (request, reply) => {
    const account = authenticate(ctx.accounts, request);
    const record = ctx.payments.get(account, request.params.id);
    return reply.type('application/json; charset=utf-8').send(serializedPayment(record));
  });

  app.put<IdRoute>('/v1/payments/:id', (request) => {
    const account = authenticate(ctx.accounts, request);
    return ctx.payments.update(account, request.params.id, request.body);
  });
}
