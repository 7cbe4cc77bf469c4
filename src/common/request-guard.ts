import { FieldError, RequestValidationError } from './errors/domain-error';

/** Deeper JSON is no request of ours; validating it recursively would overflow the stack. */
const MAX_JSON_DEPTH = 32;

/** NUL and unpaired UTF-16 surrogates: PostgreSQL text cannot hold them. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemIn(value: unknown, field: string, depth: number): FieldError | undefined {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value)
      ? { field, messages: ['must not contain NUL characters or unpaired surrogates'] }
      : undefined;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  if (depth > MAX_JSON_DEPTH) {
    return { field, messages: [`must not be nested deeper than ${MAX_JSON_DEPTH} levels`] };
  }
  for (const [key, inner] of Object.entries(value)) {
    const path = field ? `${field}.${key}` : key;
    const problem = problemIn(key, path, depth + 1) ?? problemIn(inner, path, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Rejects, before any pipe or query sees them, strings the database cannot store and JSON nested
 * beyond MAX_JSON_DEPTH, in the body, the query string, the path parameters and the headers.
 */
export function unstorableInput(request: {
  body?: unknown;
  query?: unknown;
  params?: unknown;
  headers: Record<string, unknown>;
}): RequestValidationError | undefined {
  const problem =
    problemIn(request.params, '', 0) ??
    problemIn(request.query, '', 0) ??
    problemIn(request.headers, 'headers', 0) ??
    problemIn(request.body, '', 0);
  return problem && new RequestValidationError([problem]);
}
