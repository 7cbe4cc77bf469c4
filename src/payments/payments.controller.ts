import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CredentialsFiltered, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../common/errors/error-body';
import { readPage } from '../database/keyset';
import { checkIdempotencyKey } from '../idempotency/idempotency.service';
import { CaptureDto, PaymentCreateDto, RefundCreateDto } from './dto/payment-create.dto';
import { PaymentListQuery } from './dto/payment-list.query';
import {
  PaymentDetailDto,
  PaymentDto,
  PaymentListDto,
  RefundDto,
  RefundListDto,
} from './dto/payment.dto';
import { PaymentCommandsService } from './payment-commands.service';
import { PaymentQueriesService } from './payment-queries.service';
import {
  IdempotentResult,
  PaymentSubmissionService,
  SESSION_HEADER,
} from './payment-submission.service';
import { RefundsService } from './refunds.service';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description: '1–255 printable characters, unique per operation; kept 24 h per calling token',
};
const uuid = new ParseUUIDPipe();

/** Replays carry Idempotent-Replayed; a stored error gets this request's id. */
export function answer(reply: FastifyReply, result: IdempotentResult<unknown>): unknown {
  void reply.status(result.status);
  if (result.replayed) void reply.header('idempotent-replayed', 'true');
  const body = result.body as { error?: Record<string, unknown> };
  return body.error ? { error: { ...body.error, request_id: String(reply.request.id) } } : body;
}

@ApiTags('payments')
@Controller('v1/payments')
@CredentialsFiltered()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class PaymentsController {
  constructor(
    private readonly submission: PaymentSubmissionService,
    private readonly commands: PaymentCommandsService,
    private readonly queries: PaymentQueriesService,
    private readonly refunds: RefundsService,
  ) {}

  @Post()
  @RequireScopes('payments:write')
  @ApiOperation({ summary: 'Charge a card token; a declined card is a 201 with status rejected' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader({
    name: SESSION_HEADER,
    required: false,
    description: "MercadoPago.js's device session id, passed on to Mercado Pago (or `device_id`)",
  })
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorBody, description: 'IDEMPOTENCY_IN_PROGRESS' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'IDEMPOTENCY_KEY_REUSED, GATEWAY_REJECTED (nothing charged), CREDENTIAL_*',
  })
  @ApiBadGatewayResponse({
    type: ErrorBody,
    description: 'GATEWAY_UNAVAILABLE: retry with the same key',
  })
  @ApiGatewayTimeoutResponse({ type: ErrorBody, description: 'GATEWAY_UNAVAILABLE (timeout)' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Headers('x-meli-session-id') session: string | undefined,
    @Body() body: PaymentCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return answer(
      reply,
      await this.submission.create(principal, checkIdempotencyKey(key), body, session),
    );
  }

  @Get()
  @RequireScopes('payments:read')
  @ApiOperation({ summary: 'List payments, newest first, with filters and cursor pages' })
  @ApiOkResponse({ type: PaymentListDto })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: PaymentListQuery,
  ): Promise<PaymentListDto> {
    return readPage(
      query,
      (cursor, limit) =>
        this.queries.list(
          {
            status: query.status,
            externalReference: query.external_reference,
            payerEmail: query.payer_email,
            credentialId: query.credential_id,
            credentialIds: principal.credentialIds,
            createdFrom: query.created_from ? new Date(query.created_from) : undefined,
            createdTo: query.created_to ? new Date(query.created_to) : undefined,
          },
          cursor,
          limit,
        ),
      (row) => ({ at: row.createdAt, id: row.id }),
      (row) => PaymentDto.from(row),
    );
  }

  @Get(':id')
  @RequireScopes('payments:read')
  @ApiOperation({ summary: 'One payment, with its disputes' })
  @ApiOkResponse({ type: PaymentDetailDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid) id: string,
  ): Promise<PaymentDetailDto> {
    const row = await this.queries.get(id, principal);
    return { ...PaymentDto.from(row), disputes: await this.queries.disputes(row) };
  }

  @Post(':id/refunds')
  @RequireScopes('refunds:write')
  @ApiOperation({ summary: 'Refund all that is left (no body) or part (`amount`)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: RefundDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'PAYMENT_INVALID_STATE, IDEMPOTENCY_IN_PROGRESS',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'REFUND_EXCEEDS_AVAILABLE, IDEMPOTENCY_KEY_REUSED, GATEWAY_REJECTED',
  })
  @ApiBadGatewayResponse({
    type: ErrorBody,
    description: 'GATEWAY_UNAVAILABLE: retry with the same key',
  })
  async refund(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Param('id', uuid) id: string,
    @Body() body: RefundCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    await this.queries.checkVisible(id, principal);
    return answer(reply, await this.refunds.create(principal, checkIdempotencyKey(key), id, body));
  }

  @Get(':id/refunds')
  @RequireScopes('payments:read')
  @ApiOperation({ summary: 'The refunds of a payment' })
  @ApiOkResponse({ type: RefundListDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  async listRefunds(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid) id: string,
  ): Promise<RefundListDto> {
    return { data: await this.queries.refunds(id, principal) };
  }

  @Post(':id/capture')
  @HttpCode(200)
  @RequireScopes('payments:write')
  @ApiOperation({ summary: 'Capture an authorized payment, optionally a smaller amount' })
  @ApiOkResponse({ type: PaymentDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'PAYMENT_INVALID_STATE' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED',
  })
  @ApiBadGatewayResponse({ type: ErrorBody, description: 'GATEWAY_UNAVAILABLE' })
  async capture(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid) id: string,
    @Body() body: CaptureDto,
  ): Promise<PaymentDto> {
    await this.queries.checkVisible(id, principal);
    return PaymentDto.from(await this.commands.capture(id, body.amount));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScopes('payments:write')
  @ApiOperation({ summary: 'Cancel a pending, in-process or authorized payment' })
  @ApiOkResponse({ type: PaymentDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'PAYMENT_INVALID_STATE' })
  @ApiBadGatewayResponse({ type: ErrorBody, description: 'GATEWAY_UNAVAILABLE' })
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid) id: string,
  ): Promise<PaymentDto> {
    await this.queries.checkVisible(id, principal);
    return PaymentDto.from(await this.commands.cancel(id));
  }

  @Post(':id/sync')
  @HttpCode(200)
  @RequireScopes('payments:write')
  @ApiOperation({ summary: 'Re-read the payment from Mercado Pago now' })
  @ApiOkResponse({ type: PaymentDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'PAYMENT_BUSY' })
  @ApiBadGatewayResponse({ type: ErrorBody, description: 'GATEWAY_UNAVAILABLE' })
  async sync(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid) id: string,
  ): Promise<PaymentDto> {
    await this.queries.checkVisible(id, principal);
    return PaymentDto.from(await this.commands.sync(id));
  }
}
