import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';
import { ErrorBody } from './error-body';

/** Codes for failures raised by the framework (routing, body parsing) rather than by our code. */
const HTTP_CODES: Record<number, [code: string, message?: string]> = {
  400: ['REQUEST_MALFORMED'],
  401: ['AUTH_TOKEN_INVALID'],
  403: ['AUTH_INSUFFICIENT_SCOPE'],
  404: ['REQUEST_ROUTE_NOT_FOUND', 'No such route'],
  405: ['REQUEST_METHOD_NOT_ALLOWED'],
  413: ['REQUEST_BODY_TOO_LARGE', 'The request body is larger than 1 MiB'],
  415: ['REQUEST_UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json'],
  429: ['REQUEST_RATE_LIMITED', 'Too many requests; slow down'],
  503: ['SERVICE_UNAVAILABLE', 'The service is not ready'],
};

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** The only place errors become responses: one body shape for every route and failure. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = String(request.id);

    let status: number;
    let body: ErrorBody['error'];
    if (exception instanceof DomainError) {
      status = exception.status;
      body = { code: exception.code, message: exception.message, request_id: requestId };
      if (exception.details !== undefined) body.details = exception.details;
      for (const [name, value] of Object.entries(exception.headers ?? {})) {
        void reply.header(name, value);
      }
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus();
      const [code, fixedMessage] = HTTP_CODES[status] ?? ['REQUEST_INVALID'];
      body = { code, message: fixedMessage ?? httpMessage(exception), request_id: requestId };
    } else if (exception instanceof HttpException && exception.getStatus() === 503) {
      status = 503;
      const [code, message] = HTTP_CODES[503];
      body = { code, message: message!, details: exception.getResponse(), request_id: requestId };
    } else {
      status = 500;
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
      body = { code: 'INTERNAL_ERROR', message: 'Unexpected error', request_id: requestId };
    }
    void reply.status(status).header('content-type', 'application/json').send({ error: body });
  }
}
