import { ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule, AppModuleOptions } from './app.module';
import { DomainError, FieldError, RequestValidationError } from './common/errors/domain-error';
import { ErrorFilter } from './common/errors/error.filter';
import { AppConfig } from './config/app-config';
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

export function createAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
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
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Fastify's parser, but malformed JSON becomes our typed error and an empty body means "none"
  // (a full refund is a POST with no body, and some clients still send the JSON content type).
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
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
  return SwaggerModule.createDocument(app, config);
}

/** Everything a running app needs besides its modules; shared by main.ts and the tests. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.useLogger(app.get(Logger));
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
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
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
    createAdapter(),
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  await configureApp(app);
  return app;
}
