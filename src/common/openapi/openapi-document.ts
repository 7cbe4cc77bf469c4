import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  RequestBodyObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const bodyExamples = new Map<string, object>();

/**
 * A whole-body example for a request DTO. Without it Swagger UI builds one from every property,
 * optional ones included (a placeholder credential_id, a saved-card payer), which would not run
 * as shown; this one does against the embedded emulator.
 */
export const ApiBodyExample =
  (example: object): ClassDecorator =>
  (target) => {
    bodyExamples.set(target.name, example);
  };

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

const schemaName = (ref: SchemaObject | ReferenceObject | undefined) =>
  ref && '$ref' in ref ? ref.$ref.split('/').pop() : undefined;

/**
 * Fills in what holds for every route, so no controller has to repeat it: any request may be
 * refused with 400 (bad JSON, NUL bytes, nesting, see request-guard.ts); Mercado Pago not
 * answering is 502, or 504 when it timed out; a body whose fields are all optional may be left
 * out (a full refund, a full capture); and request DTOs carry their whole-body examples.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  for (const [name, example] of bodyExamples) {
    const schema = schemas[name] as SchemaObject | undefined;
    if (schema) schema.example = example;
  }
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as OperationObject[]) {
      if (!operation?.responses) continue;
      operation.responses['400'] ??= errorResponse(
        'REQUEST_*: malformed or invalid input; each bad field listed',
      );
      if (operation.responses['502'] && !operation.responses['504']) {
        operation.responses['504'] = errorResponse('GATEWAY_UNAVAILABLE: Mercado Pago timed out');
      }
      const body = operation.requestBody as RequestBodyObject | undefined;
      const name = schemaName(body?.content['application/json']?.schema);
      const schema = name ? (schemas[name] as SchemaObject | undefined) : undefined;
      if (body && schema && !schema.required?.length) body.required = false;
    }
  }
  return document;
}
