import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators';
import { ErrorBody } from '../common/errors/error-body';
import { DEFAULT_PAGE_SIZE } from '../database/keyset';
import {
  EventListDto,
  EventListQuery,
  RedeliverDto,
  RedeliveryDto,
  decodeSeqCursor,
  encodeSeqCursor,
} from './dto/event.dto';
import { eventBody } from './event-types';
import { EventsService } from './events.service';
import { eventIdOf } from './standard-webhooks';

const toDate = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** Every event announced (payment changes, pings), and replays. */
@ApiTags('events')
@Controller('v1/events')
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @RequireScopes('webhooks:admin')
  @ApiOperation({ summary: 'Events, newest first, as subscribers receive them' })
  @ApiOkResponse({ type: EventListDto })
  async list(@Query() query: EventListQuery): Promise<EventListDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.events.listEvents(
      {
        type: query.type,
        subjectId: query.payment_id,
        createdFrom: toDate(query.created_from),
        createdTo: toDate(query.created_to),
      },
      query.cursor === undefined ? undefined : decodeSeqCursor(query.cursor),
      limit + 1,
    );
    const page = rows.slice(0, limit);
    return {
      data: page.map(eventBody),
      next_cursor: rows.length > limit ? encodeSeqCursor(page[page.length - 1].seq) : null,
    };
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary:
      'Send an event again (same webhook-id), after any undelivered earlier events of its payment',
  })
  @ApiAcceptedResponse({ type: RedeliveryDto })
  @ApiNotFoundResponse({
    type: ErrorBody,
    description: 'EVENT_NOT_FOUND, WEBHOOK_ENDPOINT_NOT_FOUND',
  })
  async redeliver(
    @Param('id') id: string,
    @Body() body: RedeliverDto = {},
  ): Promise<RedeliveryDto> {
    const { event, endpointIds } = await this.events.redeliver(id, body.endpoint_id);
    return { event_id: eventIdOf(event.id), endpoint_ids: endpointIds };
  }
}
