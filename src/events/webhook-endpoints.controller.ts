import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { PageQuery, readPage } from '../database/keyset';
import { DeliveryDto, DeliveryListDto, EventDto } from './dto/event.dto';
import {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook-endpoint.dto';
import { eventBody } from './event-types';
import { EventsService } from './events.service';
import { EndpointWithSecret, WebhookEndpointsService } from './webhook-endpoints.service';

const UUID_PARAM = new ParseUUIDPipe();
const NOT_FOUND = { type: ErrorBody, description: 'WEBHOOK_ENDPOINT_NOT_FOUND' };

const withSecret = ({ endpoint, secret }: EndpointWithSecret): WebhookEndpointWithSecretDto => ({
  ...WebhookEndpointDto.from(endpoint),
  secret: secret.reveal(),
});

/** Internal subscribers to payment events, signed per Standard Webhooks. */
@ApiTags('webhook endpoints')
@Controller('v1/webhook-endpoints')
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class WebhookEndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly events: EventsService,
  ) {}

  @Post()
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary: 'Subscribe a URL to payment events; the answer holds its signing secret, once',
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
  async create(@Body() body: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    return withSecret(
      await this.endpoints.create({
        url: body.url,
        eventTypes: body.event_types,
        description: body.description,
      }),
    );
  }

  @Get()
  @RequireScopes('webhooks:admin')
  @ApiOperation({ summary: 'Endpoints, newest first (secrets are never shown again)' })
  @ApiOkResponse({ type: WebhookEndpointListDto })
  async list(): Promise<WebhookEndpointListDto> {
    return { data: (await this.endpoints.list()).map((row) => WebhookEndpointDto.from(row)) };
  }

  @Get(':id')
  @RequireScopes('webhooks:admin')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@Param('id', UUID_PARAM) id: string): Promise<WebhookEndpointDto> {
    return WebhookEndpointDto.from(await this.endpoints.get(id));
  }

  @Patch(':id')
  @RequireScopes('webhooks:admin')
  @ApiOperation({ summary: 'Change the URL, event types, description, or turn it off and on' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async update(
    @Param('id', UUID_PARAM) id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    const row = await this.endpoints.update(id, {
      url: body.url,
      eventTypes: body.event_types,
      description: body.description,
      enabled: body.enabled,
    });
    return WebhookEndpointDto.from(row);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('webhooks:admin')
  @ApiOperation({ summary: 'Remove an endpoint and its deliveries (pending ones are not sent)' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async remove(@Param('id', UUID_PARAM) id: string): Promise<WebhookEndpointDto> {
    return WebhookEndpointDto.from(await this.endpoints.remove(id));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary:
      'A new signing secret, shown once; the previous one keeps signing beside it for ' +
      'EVENT_SECRET_ROTATION_OVERLAP_HOURS (two entries in webhook-signature)',
  })
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async rotateSecret(@Param('id', UUID_PARAM) id: string): Promise<WebhookEndpointWithSecretDto> {
    return withSecret(await this.endpoints.rotateSecret(id));
  }

  @Post(':id/test')
  @HttpCode(202)
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary: 'Send a signed ping event to this endpoint (its result is in …/deliveries)',
  })
  @ApiAcceptedResponse({ type: EventDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async test(@Param('id', UUID_PARAM) id: string): Promise<EventDto> {
    return eventBody(await this.endpoints.ping(id));
  }

  @Get(':id/deliveries')
  @RequireScopes('webhooks:admin')
  @ApiOperation({ summary: 'Deliveries to this endpoint, newest first, with their last attempt' })
  @ApiOkResponse({ type: DeliveryListDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async deliveries(
    @Param('id', UUID_PARAM) id: string,
    @Query() query: PageQuery,
  ): Promise<DeliveryListDto> {
    return readPage(
      query,
      (cursor, limit) => this.events.deliveries(id, cursor, limit),
      (row) => ({ at: row.createdAt, id: row.id }),
      (row) => DeliveryDto.from(row),
    );
  }
}
