import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';
import { ErrorDetail } from './error-body';

/** Codes for failures raised by the framework (routing, body parsing) rather than by our code. */
const HTTP_CODES: Record<number, [code: string, message?: string]> = {
  400: ['REQUEST_MALFORMED'],
  401: ['AUTH_TOKEN_INVALID'],
  403: ['AUTH_INSUFFICIENT_SCOPE'],
  404: ['REQUEST_ROUTE_NOT_FOUND', 'No such route'],
  405: ['REQUEST_METHOD_NOT_ALLOWED'],
  408: ['REQUEST_TIMEOUT', 'The request took too long to arrive'],
  413: ['REQUEST_BODY_TOO_LARGE', 'The request body is larger than 1 MiB'],
  414: ['REQUEST_PARAMETER_TOO_LONG', 'A path parameter is longer than 100 characters'],
  415: ['REQUEST_UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json'],
  429: ['REQUEST_RATE_LIMITED', 'Too many requests; slow down'],
  431: ['REQUEST_HEADERS_TOO_LARGE', 'The request headers are too large'],
  503: ['SERVICE_UNAVAILABLE', 'The service is not ready'],
};

export interface ErrorAnswer {
  status: number;
  error: Omit<ErrorDetail, 'request_id'>;
  headers: Record<string, string>;
}

/** Fastify's own failures (FST_*) carry a status; their messages name no internals. */
function frameworkStatus(exception: unknown): number | undefined {
  const { statusCode, code } = (exception ?? {}) as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === 'number' && typeof code === 'string' && code.startsWith('FST_')
    ? statusCode
    : undefined;
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function byStatus(status: number, message: string, details?: unknown): ErrorAnswer {
  const [code, fixedMessage] = HTTP_CODES[status] ?? ['REQUEST_INVALID'];
  return { status, error: { code, message: fixedMessage ?? message, details }, headers: {} };
}

/** Maps anything thrown (ours, Nest's, Fastify's, Node's) to the contract's status and body. */
export function errorAnswer(exception: unknown): ErrorAnswer {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      error: { code: exception.code, message: exception.message, details: exception.details },
      headers: exception.headers ?? {},
    };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return byStatus(exception.getStatus(), httpMessage(exception));
  }
  if (exception instanceof HttpException && exception.getStatus() === 503) {
    return byStatus(503, '', exception.getResponse());
  }
  const framework = frameworkStatus(exception);
  if (framework !== undefined && framework < 500) {
    return byStatus(framework, (exception as Error).message);
  }
  return {
    status: 500,
    error: { code: 'INTERNAL_ERROR', message: 'Unexpected error' },
    headers: {},
  };
}

/**
 * What a log may say about an unexpected error: the classes and codes of it and its causes, and
 * the stack frames. Never a message: a failed query's message holds its parameters (payer email,
 * identification, the stored request with its card token), and a stack starts with the message.
 */
function describeUnexpected(exception: unknown): string {
  const chain: string[] = [];
  for (let e = exception; e instanceof Error && chain.length < 5; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    chain.push(typeof code === 'string' ? `${e.constructor.name} (${code})` : e.constructor.name);
  }
  const frames =
    exception instanceof Error
      ? (exception.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
      : [];
  return [chain.join(', caused by ') || typeof exception, ...frames].join('\n');
}

/** The only place errors become responses: one body shape for every route and failure. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, error, headers } = errorAnswer(exception);
    if (status === 500) {
      const route = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
      this.logger.error(`Unexpected error on ${route}: ${describeUnexpected(exception)}`);
    }
    void reply
      .status(status)
      .headers(headers)
      .header('content-type', 'application/json')
      .send({ error: { ...error, request_id: String(request.id) } });
  }
}
