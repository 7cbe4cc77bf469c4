import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MpError, errorBody } from './common/mp-error.util';
import type { EmulatorOptions } from './emulator.config';
import type { EmulatorContext, RecordedRequest } from './emulator.context';
import { FaultRegistry, type RouteFault } from './faults/faults.state';
import { NotificationSender } from './notifications/notification.sender';
import { registerBrowserRoutes } from './routes/browser.routes';
import { registerCardTokenRoutes } from './routes/card-tokens.routes';
import { registerChargebackRoutes } from './routes/chargebacks.routes';
import { CONTROL_PREFIX, registerControlRoutes } from './routes/control.routes';
import { registerCustomerRoutes } from './routes/customers.routes';
import { registerPaymentMethodRoutes } from './routes/payment-methods.routes';
import { registerPaymentRoutes } from './routes/payments.routes';
import { registerRefundRoutes } from './routes/refunds.routes';
import { registerThreeDsRoutes } from './routes/three-ds.routes';
import { ChargebacksService } from './services/chargebacks.service';
import { CustomersService } from './services/customers.service';
import { PaymentsService } from './services/payments.service';
import { RefundsService } from './services/refunds.service';
import { AccountRegistry } from './state/accounts.state';
import { RingLog } from './state/ring-log.state';
import { EmulatorStore } from './state/store.state';
import { Timers } from './state/timers.state';

const REQUEST_LOG_LIMIT = 10_000;

function createContext(options: EmulatorOptions): EmulatorContext {
  const clock = () => Date.now();
  const accounts = new AccountRegistry();
  const store = new EmulatorStore();
  const faults = new FaultRegistry();
  const timers = new Timers();
  const requests = new RingLog<RecordedRequest>(REQUEST_LOG_LIMIT);
  const notifications = new NotificationSender(
    options,
    accounts,
    faults,
    timers,
    store.notificationIds,
  );
  const payments = new PaymentsService(store, notifications, clock);
  const registerAccounts = (): void => {
    accounts.upsert(
      {
        access_token: options.accessToken,
        public_key: options.publicKey,
        webhook_secret: options.webhookSecret,
        site_id: options.siteId,
        notification_url: options.notificationUrl ?? null,
      },
      { webhookSecret: options.webhookSecret, siteId: options.siteId, notificationUrl: null },
    );
    for (const input of options.accounts) {
      accounts.upsert(input, {
        webhookSecret: options.webhookSecret,
        siteId: options.siteId,
        notificationUrl: null,
      });
    }
  };
  registerAccounts();
  return {
    options,
    clock,
    accounts,
    store,
    payments,
    refunds: new RefundsService(store, payments, notifications, clock),
    chargebacks: new ChargebacksService(store, payments, notifications, clock),
    customers: new CustomersService(store, clock),
    notifications,
    faults,
    requests,
    timers,
    reset() {
      store.clear();
      faults.clearRoutes();
      faults.clearNotifications();
      notifications.reset();
      requests.clear();
      accounts.clear();
      registerAccounts();
    },
  };
}

function faultBody(fault: RouteFault, status: number): string {
  if (fault.body !== null) return JSON.stringify(fault.body);
  // What the sandbox answers when it is unstable: `internal_error` with a null `error`.
  if (status >= 500)
    return JSON.stringify({ message: 'internal_error', error: null, status, cause: [] });
  return JSON.stringify(errorBody(status, status === 429 ? 'Too Many Requests' : 'injected fault'));
}

/** Applies a fault's latency and then hangs (timeout) or answers its status; null = go on. */
async function applyFault(ctx: EmulatorContext, fault: RouteFault): Promise<number | null> {
  if (fault.latency_ms) await ctx.timers.sleep(fault.latency_ms);
  // Never answer: the client's own timeout decides. close() drops the socket.
  if (fault.timeout) await new Promise<never>(() => undefined);
  return fault.status;
}

function registerHooks(app: FastifyInstance, ctx: EmulatorContext): void {
  const afterFaults = new WeakMap<FastifyRequest, RouteFault>();
  const isControl = (request: FastifyRequest) => request.url.startsWith(CONTROL_PREFIX);
  const fail = (reply: FastifyReply, fault: RouteFault, status: number): string => {
    if (fault.retry_after !== null) reply.header('retry-after', String(fault.retry_after));
    reply.code(status).type('application/json');
    return faultBody(fault, status);
  };

  // Callback-style hooks: the common no-fault path stays free of promises.
  app.addHook('onRequest', (request, reply, done) => {
    const fault = isControl(request)
      ? null
      : ctx.faults.forRequest(request.method, request.routeOptions.url, pathOf(request));
    if (!fault) return done();
    if (fault.after) {
      afterFaults.set(request, fault);
      return done();
    }
    applyFault(ctx, fault).then(
      (status) => (status === null ? done() : reply.send(fail(reply, fault, status))),
      done,
    );
  });

  // An `after` fault lets the work happen (the payment exists) and then loses the answer.
  app.addHook('onSend', (request, reply, payload, done) => {
    const fault = afterFaults.get(request);
    if (!fault) return done(null, payload);
    applyFault(ctx, fault).then(
      (status) => done(null, status === null ? payload : fail(reply, fault, status)),
      done,
    );
  });

  app.addHook('onResponse', (request, reply, done) => {
    if (!isControl(request)) {
      ctx.requests.push({
        method: request.method,
        path: pathOf(request),
        route: request.routeOptions.url ?? null,
        query: request.query as Record<string, unknown>,
        headers: request.headers,
        body: request.body ?? null,
        status: reply.statusCode,
        at: Date.now(),
      });
    }
    done();
  });
}

function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

export interface BuiltEmulator {
  app: FastifyInstance;
  ctx: EmulatorContext;
}

export function buildEmulator(options: EmulatorOptions): BuiltEmulator {
  const app = Fastify({
    logger: options.logger,
    // A hanging fault must not keep close() waiting for the client to give up.
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
  });
  const ctx = createContext(options);

  // The SDK sends `Content-Type: application/json` on bodiless DELETEs; Mercado Pago accepts that.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        new MpError(400, 'Invalid JSON body', [
          { code: 1, description: 'Params Error: body is not valid JSON' },
        ]),
      );
    }
  });

  // The 3DS challenge page posts an HTML form.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MpError) return reply.code(error.status).send(error.toBody());
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    const message = status >= 500 ? 'internal_error' : (error as Error).message;
    return reply.code(status).send(errorBody(status, message));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody(404, `resource ${request.method} ${request.url.split('?')[0]} not found`)),
  );

  registerHooks(app, ctx);
  registerBrowserRoutes(app);
  registerCardTokenRoutes(app, ctx);
  registerPaymentRoutes(app, ctx);
  registerRefundRoutes(app, ctx);
  registerChargebackRoutes(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerPaymentMethodRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  registerThreeDsRoutes(app, ctx);

  app.addHook('onClose', (_instance, done) => {
    ctx.timers.clearAll();
    ctx.notifications.close();
    done();
  });
  return { app, ctx };
}
