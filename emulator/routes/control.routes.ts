import type { FastifyInstance } from 'fastify';
import { asRecord } from '../common/body.util';
import { notFound } from '../common/mp-error.util';
import type { AccountInput } from '../emulator.config';
import type { EmulatorContext } from '../emulator.context';

/** The control API: not part of Mercado Pago, so it lives apart under `/__emulator/`. */
export const CONTROL_PREFIX = '/__emulator';

type Query = { Querystring: Record<string, string | undefined> };

export function registerControlRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const p = CONTROL_PREFIX;
  const defaults = () => ({
    webhookSecret: ctx.options.webhookSecret,
    siteId: ctx.options.siteId,
    notificationUrl: null,
  });

  app.get(`${p}/health`, () => ({ status: 'ok' }));

  app.post(`${p}/accounts`, (request, reply) =>
    reply
      .code(201)
      .send(ctx.accounts.upsert(asRecord(request.body) as unknown as AccountInput, defaults())),
  );

  app.get(`${p}/accounts`, () => ctx.accounts.list());

  app.delete<{ Params: { token: string } }>(`${p}/accounts/:token`, (request, reply) => {
    if (!ctx.accounts.remove(request.params.token)) throw notFound('account not found');
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>(`${p}/payments/:id/transition`, (request) => {
    const body = asRecord(request.body);
    return ctx.payments.transition(
      Number(request.params.id),
      body.status,
      body.status_detail,
      body.force === true,
    );
  });

  app.post<{ Params: { id: string } }>(`${p}/payments/:id/release`, (request) =>
    ctx.payments.release(Number(request.params.id), asRecord(request.body).at),
  );

  app.post<{ Params: { id: string } }>(`${p}/payments/:id/refund-outcome`, (request) => {
    const body = asRecord(request.body);
    return ctx.refunds.setOutcome(Number(request.params.id), body.status, body.count);
  });

  app.post<{ Params: { id: string; refund_id: string } }>(
    `${p}/payments/:id/refunds/:refund_id/transition`,
    (request) =>
      ctx.refunds.transition(
        Number(request.params.id),
        request.params.refund_id,
        asRecord(request.body).status,
      ),
  );

  app.post<{ Params: { id: string } }>(`${p}/payments/:id/chargebacks`, (request, reply) =>
    reply.code(201).send(ctx.chargebacks.open(Number(request.params.id), request.body)),
  );

  app.post<{ Params: { id: string } }>(`${p}/chargebacks/:id/transition`, (request) =>
    ctx.chargebacks.transition(request.params.id, request.body),
  );

  app.post<{ Params: { id: string } }>(`${p}/card-tokens/:id/expire`, (request) => {
    const token = ctx.store.cardTokens.get(request.params.id);
    if (!token) throw notFound('Card Token not found', 2006);
    token.dueAt = ctx.clock();
    return { id: token.id, expired: true };
  });

  app.post(`${p}/faults`, (request, reply) =>
    reply.code(201).send({ id: ctx.faults.addRoute(request.body).id }),
  );

  app.get(`${p}/faults`, () => ctx.faults.list());

  app.delete(`${p}/faults`, (_request, reply) => {
    ctx.faults.clearRoutes();
    ctx.faults.clearNotifications();
    return reply.code(204).send();
  });

  app.post(`${p}/notification-faults`, (request, reply) =>
    reply.code(201).send({ id: ctx.faults.addNotification(request.body).id }),
  );

  app.delete(`${p}/notification-faults`, (_request, reply) => {
    ctx.faults.clearNotifications();
    return reply.code(204).send();
  });

  app.post(`${p}/notifications/release`, () => ({
    released: ctx.notifications.release(),
  }));

  app.get(`${p}/notifications`, () => ({
    deliveries: ctx.notifications.log.list(),
    pending: ctx.notifications.pendingRetries(),
    held: ctx.notifications.heldCount(),
  }));

  app.get<Query>(`${p}/requests`, (request) => {
    const { method, path, limit } = request.query;
    const upper = method?.toUpperCase();
    return ctx.requests
      .list(
        (r) => (!upper || r.method === upper) && (!path || r.path === path || r.route === path),
        limit ? Number(limit) : undefined,
      )
      .map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  });

  app.post(`${p}/reset`, (_request, reply) => {
    ctx.reset();
    return reply.code(204).send();
  });
}
