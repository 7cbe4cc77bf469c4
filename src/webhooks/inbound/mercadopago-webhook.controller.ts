import { Body, Controller, Headers, HttpCode, Ip, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../auth/auth.decorators';
import { ErrorBody } from '../../common/errors/error-body';
import { WebhookAckDto } from './dto/notification.dto';
import { NotificationsInboxService } from './notifications-inbox.service';

const header = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(',') : value;

/**
 * Mercado Pago's notifications in. The query is taken as is (no DTO): Mercado Pago adds keys of
 * its own (`data.id` as a flat key, `source_news`, a seller's `?cliente=`), and the signature is
 * over the raw `data.id`.
 */
@ApiTags('webhooks')
@Controller('webhooks/mercadopago')
export class MercadoPagoWebhookController {
  constructor(private readonly inbox: NotificationsInboxService) {}

  @Post(':credential_id')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mercado Pago notifications in (webhook, or the legacy IPN form); public, signed',
    description:
      "Verifies x-signature with these credentials' webhook secret (and the previous one during a " +
      'rotation overlap), stores the notification (duplicates fold into one row) and answers 200 ' +
      'at once; a worker then re-reads the resource from Mercado Pago. The body is never trusted. ' +
      'IPN (unsigned) is off by default and never creates a row.',
  })
  @ApiParam({ name: 'credential_id', format: 'uuid' })
  @ApiQuery({ name: 'data.id', required: false, description: 'Webhook: the resource id (signed)' })
  @ApiQuery({
    name: 'type',
    required: false,
    description:
      'Webhook: the topic: payment, chargebacks (or topic_chargebacks_wh); others are stored as ignored',
  })
  @ApiQuery({ name: 'topic', required: false, description: 'Legacy IPN: the topic' })
  @ApiQuery({ name: 'id', required: false, description: 'Legacy IPN: the resource id' })
  @ApiHeader({ name: 'x-signature', required: false, description: '`ts=…,v1=<hex HMAC-SHA256>`' })
  @ApiHeader({ name: 'x-request-id', required: false, description: 'Part of the signed manifest' })
  @ApiBody({ required: false, schema: { type: 'object', description: 'Not signed; not trusted' } })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiUnauthorizedResponse({
    type: ErrorBody,
    description:
      'WEBHOOK_SIGNATURE_INVALID: bad, missing or replayed signature, or unknown credentials; nothing stored',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorBody,
    description:
      'REQUEST_RATE_LIMITED: too many failed signatures for these credentials from this source ' +
      '(a valid signature is never limited); the source is X-Forwarded-For only under TRUST_PROXY',
  })
  receive(
    @Param('credential_id') credentialId: string,
    @Query() query: Record<string, unknown>,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
    @Ip() source: string,
  ): Promise<WebhookAckDto> {
    return this.inbox.receive({
      credentialId,
      query,
      signature: header(headers['x-signature']),
      requestId: header(headers['x-request-id']),
      body,
      source,
    });
  }
}
