import { NotFoundError, RequestValidationError } from '../common/errors/domain-error';

export class WebhookEndpointNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint with id ${id}`);
  }
}

export class EventNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('EVENT_NOT_FOUND', `No event with id ${id}`);
  }
}

/** Plain http is for development and internal networks only (EVENT_ENDPOINT_ALLOW_HTTP). */
export function httpRefused(): RequestValidationError {
  return new RequestValidationError([
    {
      field: 'url',
      messages: ['must use https (plain http needs EVENT_ENDPOINT_ALLOW_HTTP=true in production)'],
    },
  ]);
}
