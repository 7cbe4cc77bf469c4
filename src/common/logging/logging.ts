import type { Params } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';

/**
 * Runs of 13–19 digits (optionally spaced or dashed) look like card numbers: never log them. A
 * UUID (our ids) is matched first and kept whole: one whose first groups are all digits would
 * otherwise read as a card number, and its payment could not be found in the logs.
 */
const CARD_LIKE =
  /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b|\b\d(?:[ -]?\d){12,18}\b/gi;

export const maskCardLike = (text: string): string =>
  text.replace(CARD_LIKE, (_match, uuid?: string) => uuid ?? '[card-redacted]');

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  '*.access_token',
  '*.accessToken',
  '*.webhook_secret',
  '*.webhookSecret',
  '*.token',
  '*.card_number',
  '*.security_code',
  '*.secret',
];

/** Nest's start-up wiring, a line per module, controller and route: noise at info, kept at debug. */
const NEST_WIRING_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
/** Probes and docs are requested all the time; their request lines are debug. */
const QUIET_PATHS = /^\/(health\/|metrics|docs)/;
/**
 * Mercado Pago's notifications come by the thousand: an accepted one is already a row of the inbox
 * (GET /v1/notifications) and a metric, so its request line is debug; refusals stay info.
 */
const WEBHOOKS = /^\/webhooks\//;

/** Readable lines for a developer's terminal; required here so production never loads it. */
function prettyStream(): DestinationStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
    hideObject: false,
    singleLine: true,
    // In step with the banner main.ts writes straight to stdout.
    sync: true,
  });
}

export function loggerParams(
  level: string,
  format: 'pretty' | 'json',
  destination?: DestinationStream,
): Params {
  const options: Options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Fastify assigned the id (see app.setup.ts): log and response share it.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: maskCardLike(req.url.split('?')[0]),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    hooks: {
      logMethod(args, method, level) {
        const context = (args[0] as { context?: unknown } | undefined)?.context;
        if (level > 20 && NEST_WIRING_CONTEXTS.has(context as string)) {
          if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
          return;
        }
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? maskCardLike(arg) : arg)) as typeof args,
        );
      },
    },
    customLogLevel: (req, res, error) =>
      error || res.statusCode >= 500
        ? 'error'
        : QUIET_PATHS.test(req.url ?? '') || (res.statusCode < 300 && WEBHOOKS.test(req.url ?? ''))
          ? 'debug'
          : 'info',
    customSuccessMessage: (req, res, ms) =>
      `${req.method} ${maskCardLike((req.url ?? '').split('?')[0])} ${res.statusCode} ${Math.round(ms)} ms`,
  };
  const stream = destination ?? (format === 'pretty' ? prettyStream() : undefined);
  return { pinoHttp: stream ? [options, stream] : options };
}
