import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/auth.util';
import { asRecord } from '../common/body.util';
import type { EmulatorContext } from '../emulator.context';

type CustomerRoute = { Params: { id: string } };
type CardRoute = { Params: { id: string; card_id: string } };

export function registerCustomerRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { customers } = ctx;

  app.post('/v1/customers', (request, reply) => {
    const account = authenticate(ctx.accounts, request);
    return reply.code(201).send(customers.create(account, request.body));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/customers/search', (request) =>
    customers.search(authenticate(ctx.accounts, request), request.query),
  );

  app.get<CustomerRoute>('/v1/customers/:id', (request) => {
    const account = authenticate(ctx.accounts, request);
    return customers.render(customers.get(account, request.params.id));
  });

  app.put<CustomerRoute>('/v1/customers/:id', (request) =>
    customers.update(authenticate(ctx.accounts, request), request.params.id, request.body),
  );

  app.delete<CustomerRoute>('/v1/customers/:id', (request) =>
    customers.remove(authenticate(ctx.accounts, request), request.params.id),
  );

  app.post<CustomerRoute>('/v1/customers/:id/cards', (request, reply) => {
    const account = authenticate(ctx.accounts, request);
    const { card, created } = customers.addCard(account, request.params.id, request.body);
    return reply.code(created ? 201 : 200).send(card);
  });

  app.get<CustomerRoute>('/v1/customers/:id/cards', (request) =>
    customers.listCards(authenticate(ctx.accounts, request), request.params.id),
  );

  app.get<CardRoute>('/v1/customers/:id/cards/:card_id', (request) => {
    const account = authenticate(ctx.accounts, request);
    return customers.renderCard(
      customers.getCard(account, request.params.id, request.params.card_id),
    );
  });

  app.put<CardRoute>('/v1/customers/:id/cards/:card_id', (request) => {
    const account = authenticate(ctx.accounts, request);
    const saved = customers.getCard(account, request.params.id, request.params.card_id);
    const body = asRecord(request.body);
    const holder = asRecord(body.cardholder);
    saved.card = {
      ...saved.card,
      ...(typeof body.expiration_month === 'number'
        ? { expiration_month: body.expiration_month }
        : {}),
      ...(typeof body.expiration_year === 'number'
        ? { expiration_year: body.expiration_year }
        : {}),
      ...(typeof holder.name === 'string'
        ? { cardholder: { ...saved.card.cardholder, name: holder.name } }
        : {}),
    };
    saved.updatedAt = ctx.clock();
    return customers.renderCard(saved);
  });

  app.delete<CardRoute>('/v1/customers/:id/cards/:card_id', (request) =>
    customers.removeCard(
      authenticate(ctx.accounts, request),
      request.params.id,
      request.params.card_id,
    ),
  );
}
