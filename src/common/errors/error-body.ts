import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ example: 'PAYMENT_NOT_FOUND' })
  code: string;

  @ApiProperty({ example: 'No payment with id 0c6f…' })
  message: string;

  @ApiPropertyOptional({ description: 'Per-field problems or other structured context' })
  details?: unknown;

  @ApiProperty({ example: '5f0c3c1e-9a4b-4c0e-8d2f-0a1b2c3d4e5f' })
  request_id: string;
}

/** The one error shape of the contract, from every route. */
export class ErrorBody {
  @ApiProperty({ type: ErrorDetail })
  error: ErrorDetail;
}
