import { HttpException, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppModule, AppModuleOptions } from './app.module';
import { DomainError, FieldError, RequestValidationError } from './common/errors/domain-error';
import { ErrorFilter, errorAnswer } from './common/errors/error.filter';
import { completeDocument } from './common/openapi/openapi-document';
import { unstorableInput } from './common/request-guard';
import { AppConfig, TrustProxy } from './config/app-config';
import { MetricsService } from './metrics/metrics.service';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints
      ? [{ field, messages: Object.values(error.constraints).map((m) => m.replace(/^\S+ /, '')) }]
      : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Routing failures Fastify answers itself (a path parameter over 100 characters, a bad URL). */
function answerFrameworkError(error: FastifyError, request: { id: string }, reply: FastifyReply) {
  const { status, error: body } = errorAnswer(error);
  void reply
    .status(status)
    .header('x-request-id', request.id)
    .send({ error: { ...body, request_id: request.id } });
}

/** Requests Node's HTTP parser refuses (control bytes in a header, oversized headers). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const { error: body } = errorAnswer(
    new HttpException('The request is not valid HTTP (e.g. control bytes in a header)', status),
  );
  const requestId = randomUUID();
  const json = JSON.stringify({ error: { ...body, request_id: requestId } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(json)}\r\nx-request-id: ${requestId}\r\n` +
        `connection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

export function createAdapter(trustProxy: TrustProxy = false): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // request.ip, the key of the webhook failure limit: behind a load balancer every socket is
    // the balancer's, so only TRUST_PROXY tells senders apart (by X-Forwarded-For).
    trustProxy,
    // Nest closes the server last, after the workers drained and the database closed: nothing a
    // connection still open then could finish, and a keep-alive one (e.g. a notification that
    // arrived mid-shutdown) would hold the exit for keepAliveTimeout (72 s).
    forceCloseConnections: true,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Keep a caller's x-request-id when it is sane; pino-http reads raw.id, so logs match.
    genReqId: (raw: IncomingMessage) => {
      const given = raw.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      (raw as typeof raw & { id: string }).id = id;
      return id;
    },
  });
}

function installFastifyHooks(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // After parsing, before Nest's pipes: covers every route's body, query, params and headers.
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(unstorableInput(request));
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Fastify's parser, but malformed JSON becomes our typed error and an empty body means "none"
  // (a full refund is a POST with no body, and some clients still send the JSON content type).
  // Only JSON is taken: a text/plain body would reach the pipes as one string and fail there.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    void parseJson(request, text, (error, parsed) => {
      if (error) {
        return done(
          new DomainError(
            'REQUEST_MALFORMED_JSON',
            `The body is not valid JSON: ${error.message}`,
            400,
          ),
          undefined,
        );
      }
      done(null, parsed);
    });
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Mercado Pago payments service')
    .setDescription(
      'Card payments through Mercado Pago Checkout API for internal services. ' +
        'Authorize with a service token (Bearer). Errors always have the shape ' +
        '{ "error": { code, message, details, request_id } }.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A service token (mpsvc_…)' })
    .build();
  return completeDocument(SwaggerModule.createDocument(app, config));
}

/** Everything a running app needs besides its modules; shared by main.ts and the tests. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.useLogger(app.get(Logger));
  // Buffered start-up lines go to our logger now; a failed start drops them (main.ts says why).
  app.flushLogs();
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new RequestValidationError(flatten(errors)),
    }),
  );
  app.useGlobalFilters(new ErrorFilter());
  installFastifyHooks(app.getHttpAdapter().getInstance(), app.get(MetricsService));
  // Built on the first /docs request: scanning every route costs ~0.5 s of CPU, a third of a start.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  app.enableShutdownHooks();
  await app.init();
}

export async function createApp(
  config: AppConfig,
  options: AppModuleOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options),
    createAdapter(config.trustProxy),
    { bufferLogs: true, autoFlushLogs: false, abortOnError: false, bodyParser: false },
  );
  await configureApp(app);
  return app;
}
