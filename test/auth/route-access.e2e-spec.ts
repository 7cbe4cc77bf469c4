import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { SCOPES, Scope } from '../../src/auth/scopes';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createToken } from './auth.helper';

/**
 * Every route of the running service, and the decision made for it: public by design, or the
 * scope it needs and whether a token limited to some credentials may call it ("filtered": the
 * route shows and acts only on those credentials' data; "every": it spans all credentials, so
 * such a token is refused). A route added without a line here fails the first test.
 */
type Decision = 'public' | { scope: Scope; limited: 'filtered' | 'every' };
const filtered = (scope: Scope): Decision => ({ scope, limited: 'filtered' });
const every = (scope: Scope): Decision => ({ scope, limited: 'every' });

const DECISIONS: Record<string, Decision> = {
  'POST /v1/payments': filtered('payments:write'),
  'GET /v1/payments': filtered('payments:read'),
  'GET /v1/payments/:id': filtered('payments:read'),
  'POST /v1/payments/:id/refunds': filtered('refunds:write'),
  'GET /v1/payments/:id/refunds': filtered('payments:read'),
  'POST /v1/payments/:id/capture': filtered('payments:write'),
  'POST /v1/payments/:id/cancel': filtered('payments:write'),
  'POST /v1/payments/:id/sync': filtered('payments:write'),
  'POST /v1/customers': filtered('customers:write'),
  'GET /v1/customers': filtered('payments:read'),
  'GET /v1/disputes': filtered('payments:read'),
  'GET /v1/disputes/:id': filtered('payments:read'),
  'POST /v1/customers/:id/cards': filtered('customers:write'),
  'GET /v1/customers/:id/cards': filtered('payments:read'),
  'DELETE /v1/customers/:id/cards/:card_id': filtered('customers:write'),
  'GET /v1/notifications': filtered('webhooks:admin'),
  'POST /v1/notifications/:id/retry': filtered('webhooks:admin'),
  'GET /v1/credentials/:id/public-key': filtered('payments:read'),
  'GET /v1/credentials/:id/payment-methods': filtered('payments:read'),
  'GET /v1/credentials/:id/identification-types': filtered('payments:read'),
  'GET /v1/credentials/:id/installments': filtered('payments:read'),
  'GET /v1/credentials/:id/card-bins/:bin': filtered('payments:read'),
  'GET /v1/reports/settlements': filtered('payments:read'),
  'POST /v1/credentials': every('credentials:admin'),
  'GET /v1/credentials': every('credentials:admin'),
  'GET /v1/credentials/:id': every('credentials:admin'),
  'PATCH /v1/credentials/:id': every('credentials:admin'),
  'DELETE /v1/credentials/:id': every('credentials:admin'),
  'POST /v1/credentials/:id/rotate': every('credentials:admin'),
  'GET /v1/credentials/:id/audit': every('credentials:admin'),
  'GET /v1/credentials/:id/go-live': every('credentials:admin'),
  'POST /v1/tokens': every('tokens:admin'),
  'GET /v1/tokens': every('tokens:admin'),
  'DELETE /v1/tokens/:id': every('tokens:admin'),
  // Subscriptions and the event log span every credentials' payments.
  'POST /v1/webhook-endpoints': every('webhooks:admin'),
  'GET /v1/webhook-endpoints': every('webhooks:admin'),
  'GET /v1/webhook-endpoints/:id': every('webhooks:admin'),
  'PATCH /v1/webhook-endpoints/:id': every('webhooks:admin'),
  'DELETE /v1/webhook-endpoints/:id': every('webhooks:admin'),
  'POST /v1/webhook-endpoints/:id/rotate-secret': every('webhooks:admin'),
  'POST /v1/webhook-endpoints/:id/test': every('webhooks:admin'),
  'GET /v1/webhook-endpoints/:id/deliveries': every('webhooks:admin'),
  'GET /v1/events': every('webhooks:admin'),
  'POST /v1/events/:id/redeliver': every('webhooks:admin'),
  'POST /webhooks/mercadopago/:credential_id': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  // The sandbox checkout page (absent in production) holds no token: it acts as its own
  // principal, on sandbox credentials only, and reads back only the payments it made.
  'GET /sandbox/checkout': 'public',
  'GET /sandbox/checkout/checkout.js': 'public',
  'GET /sandbox/checkout/config': 'public',
  'GET /sandbox/checkout/card-bins/:bin': 'public',
  'GET /sandbox/checkout/installments': 'public',
  'POST /sandbox/checkout/pay': 'public',
  'GET /sandbox/checkout/payments/:id': 'public',
};

/** "METHOD /path" of every handler of every controller the running app holds. */
function discoverRoutes(t: TestApp): string[] {
  const routes: string[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new () => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const full = `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(
          /\/+/g,
          '/',
        );
        routes.push(`${RequestMethod[method]} ${full}`);
      }
    }
  }
  return routes.sort();
}

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

describe('Who may call each route', () => {
  let t: TestApp;
  let routes: string[];
  let limitedToken: string;
  const tokensWithout = new Map<Scope, string>();

  beforeAll(async () => {
    t = await startTestApp();
    routes = discoverRoutes(t);
    const create = async (scopes: Scope[], credentialIds?: string[]) =>
      (await createToken(t, scopes, credentialIds)).token;
    for (const scope of SCOPES) {
      tokensWithout.set(scope, await create(SCOPES.filter((s) => s !== scope)));
    }
    const list = await t.http().get('/v1/credentials').set(bearer(t.adminToken)).expect(200);
    limitedToken = await create([...SCOPES], [(list.body.data as { id: string }[])[0].id]);
  });
  afterAll(() => t.close());

  /** Sends the route with path parameters filled in (the guard answers before they are read). */
  const call = (route: string, token?: string) => {
    const [method, path] = route.split(' ');
    const url = path.replace(/:[a-z_]+/g, ZERO_UUID);
    const req = t.http()[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url);
    return token ? req.set(bearer(token)) : req;
  };

  it('should have a decision for every route the app serves, and no decision without a route', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes).toEqual(Object.keys(DECISIONS).sort());
  });

  it('should list every documented operation among the routes', async () => {
    const doc = await t.http().get('/docs-json').expect(200);
    const documented = Object.entries(doc.body.paths as Record<string, object>).flatMap(
      ([path, operations]) =>
        Object.keys(operations).map(
          (m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
        ),
    );
    expect(routes).toEqual(expect.arrayContaining(documented));
  });

  it('should answer public routes without a token', async () => {
    for (const [route, decision] of Object.entries(DECISIONS)) {
      if (decision !== 'public') continue;
      const res = await call(route);
      expect([route, res.body?.error?.code ?? 'none']).not.toEqual([route, 'AUTH_TOKEN_MISSING']);
    }
  });

  it('should refuse every other route without a token (401) and without its scope (403)', async () => {
    for (const [route, decision] of Object.entries(DECISIONS)) {
      if (decision === 'public') continue;
      const missing = await call(route);
      expect([route, missing.status, missing.body.error.code]).toEqual([
        route,
        401,
        'AUTH_TOKEN_MISSING',
      ]);
      const lacking = await call(route, tokensWithout.get(decision.scope));
      expect([route, lacking.status, lacking.body.error.details]).toEqual([
        route,
        403,
        { required_scopes: [decision.scope] },
      ]);
    }
  });

  it('should refuse a token limited to some credentials on routes that span every credentials', async () => {
    for (const [route, decision] of Object.entries(DECISIONS)) {
      if (decision === 'public') continue;
      const res = await call(route, limitedToken);
      const refused = res.status === 403 && res.body.error.code === 'AUTH_CREDENTIALS_NOT_ALLOWED';
      expect([route, refused]).toEqual([route, decision.limited === 'every']);
    }
  });
});
