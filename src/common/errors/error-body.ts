import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One bad field of a REQUEST_VALIDATION_FAILED answer. */
export class FieldErrorBody {
  @ApiProperty({ example: 'payer.email' })
  field: string;

  @ApiProperty({ type: [String], example: ['must be an email'] })
  messages: string[];
}

@ApiExtraModels(FieldErrorBody)
export class ErrorDetail {
  @ApiProperty({ example: 'REQUEST_VALIDATION_FAILED' })
  code: string;

  @ApiProperty({ example: 'Invalid request: payer.email must be an email' })
  message: string;

  @ApiPropertyOptional({
    description:
      'REQUEST_VALIDATION_FAILED: each bad field with its messages; other codes: an object of ' +
      'structured context (e.g. `required_scopes`, Mercado Pago `causes`)',
    oneOf: [
      { type: 'array', items: { $ref: getSchemaPath(FieldErrorBody) } },
      { type: 'object', additionalProperties: true },
    ],
    example: [{ field: 'payer.email', messages: ['must be an email'] }],
  })
  details?: unknown;

  @ApiProperty({ example: '5f0c3c1e-9a4b-4c0e-8d2f-0a1b2c3d4e5f' })
  request_id: string;
}

/** The one error shape of the contract, from every route. */
export class ErrorBody {
  @ApiProperty({ type: ErrorDetail })
  error: ErrorDetail;
}
