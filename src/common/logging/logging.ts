import type { Params } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';

/** Runs of 13–19 digits (optionally spaced or dashed) look like card numbers: never log them. */
const CARD_LIKE = /\b\d(?:[ -]?\d){12,18}\b/g;

export const maskCardLike = (text: string): string => text.replace(CARD_LIKE, '[card-redacted]');

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

export function loggerParams(level: string, destination?: DestinationStream): Params {
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
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? maskCardLike(arg) : arg)) as typeof args,
        );
      },
    },
    autoLogging: { ignore: (req) => req.url === '/metrics' || req.url === '/health/live' },
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
