export interface MpCause {
  code: number | string;
  description: string;
  data: unknown;
}

export interface MpErrorBody {
  message: string;
  error: string | null;
  status: number;
  cause: MpCause[];
}

const ERROR_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'too_many_requests',
};

/** An answer in Mercado Pago's error body: `{message, error, status, cause[]}`. */
export class MpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly causes: Array<{ code: number | string; description?: string }> = [],
    readonly errorName: string | null = ERROR_NAMES[status] ?? null,
  ) {
    super(message);
  }

  toBody(): MpErrorBody {
    return errorBody(this.status, this.message, this.causes, this.errorName);
  }
}

export function errorBody(
  status: number,
  message: string,
  causes: Array<{ code: number | string; description?: string }> = [],
  errorName: string | null = ERROR_NAMES[status] ?? null,
): MpErrorBody {
  return {
    message,
    error: errorName,
    status,
    cause: causes.map((c) => ({ code: c.code, description: c.description ?? message, data: null })),
  };
}

/** A 400 with one cause, the most common shape of a Mercado Pago validation error. */
export function badRequest(code: number | string, description: string): MpError {
  return new MpError(400, description, [{ code, description }]);
}

export function notFound(description: string, code?: number | string): MpError {
  return new MpError(404, description, code === undefined ? [] : [{ code, description }]);
}
