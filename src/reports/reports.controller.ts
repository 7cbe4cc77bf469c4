import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CredentialsFiltered, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../common/errors/error-body';
import { SettlementQuery } from './dto/settlement-query';
import { COLUMNS } from './settlement-rows';
import { SettlementFormat, SettlementsService } from './settlements.service';

/** JSON lines when the caller asks for either usual name of it; CSV otherwise. */
const JSON_LINES = /application\/(x-ndjson|jsonl|x-jsonlines)/i;

function formatFor(accept: string | undefined): { format: SettlementFormat; type: string } {
  const match = accept && JSON_LINES.exec(accept);
  return match
    ? { format: 'jsonl', type: `${match[0].toLowerCase()}; charset=utf-8` }
    : { format: 'csv', type: 'text/csv; charset=utf-8' };
}

@ApiTags('reports')
@Controller('v1/reports')
@CredentialsFiltered()
export class ReportsController {
  constructor(private readonly service: SettlementsService) {}

  @Get('settlements')
  @RequireScopes('payments:read')
  @ApiOperation({
    summary:
      'Gross, fees, net and release dates of every payment, refund and chargeback in a window',
    description:
      'Streams one row per money movement (payments approved in the window, then refunds made ' +
      'in it, then chargebacks opened in it, then chargebacks won in it), then one `total` row ' +
      "per currency. Columns follow Mercado Pago's release report: " +
      `${COLUMNS.map((c) => c.toUpperCase()).join(', ')}. Fees, refunds and chargebacks ` +
      '(`chargeback`) are negative, a chargeback won (`chargeback_reimbursed`) gives its amount ' +
      'back; a payment row and its refund rows add up to its net_received_amount.',
  })
  @ApiHeader({
    name: 'Accept',
    required: false,
    description: '`application/x-ndjson` or `application/jsonl` for JSON lines; CSV otherwise',
  })
  @ApiProduces('text/csv', 'application/x-ndjson', 'application/jsonl')
  @ApiOkResponse({
    description: 'CSV (header line first) or JSON lines, streamed',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Bad or too long a window' })
  settlements(
    @CurrentPrincipal() principal: Principal,
    @Query() query: SettlementQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    const filter = this.service.filter(query, principal);
    const { format, type } = formatFor(accept);
    const day = (date: Date) => date.toISOString().slice(0, 10);
    return reply
      .header('content-type', type)
      .header(
        'content-disposition',
        `attachment; filename="settlements-${day(filter.from)}-${day(filter.to)}.${format}"`,
      )
      .send(this.service.stream(filter, format));
  }
}
