import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorBody } from '../common/mp-error.util';

/** The path of Mercado Pago's own script (https://sdk.mercadopago.com/js/v2), mirrored here. */
export const SDK_JS_PATH = '/js/v2';

/** Routes a browser calls straight from a checkout page, with the public key. */
const BROWSER_ROUTES = /^\/v1\/(card_tokens|payment_methods|identification_types)(\/|\?|$)/;

/**
 * What a checkout page needs from the emulator in a browser: the stand-in MercadoPago.js, and
 * CORS on the routes that script calls (the page is on another origin, as with Mercado Pago).
 */
export function registerBrowserRoutes(app: FastifyInstance): void {
  // Read once: the file ships beside the compiled emulator (nest-cli assets).
  const script = readFileSync(join(__dirname, '..', 'public', 'mercadopago.js'), 'utf8');
  app.get(SDK_JS_PATH, (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(script),
  );

  app.options('/v1/*', (request, reply) => {
    if (!BROWSER_ROUTES.test(request.url)) {
      return reply.code(404).send(errorBody(404, `resource OPTIONS ${request.url} not found`));
    }
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '600')
      .send();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (BROWSER_ROUTES.test(request.url)) void reply.header('access-control-allow-origin', '*');
    done(null, payload);
  });
}
