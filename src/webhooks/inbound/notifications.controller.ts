import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../../auth/auth.decorators';
import { ErrorBody } from '../../common/errors/error-body';
import { readPage } from '../../database/keyset';
import {
  NotificationDto,
  NotificationListDto,
  NotificationListQuery,
} from './dto/notification.dto';
import { NotificationNotFoundError, NotificationRetryConflictError } from './notifications.errors';
import { NotificationsRepository } from './notifications.repository';

/** Operators' view of the inbox: what Mercado Pago sent, and what became of it. */
@ApiTags('notifications')
@Controller('v1/notifications')
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class NotificationsController {
  constructor(private readonly repository: NotificationsRepository) {}

  @Get()
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary: 'Mercado Pago notifications received, newest first, with their processing state',
  })
  @ApiOkResponse({ type: NotificationListDto })
  async list(@Query() query: NotificationListQuery): Promise<NotificationListDto> {
    return readPage(
      query,
      (cursor, limit) =>
        this.repository.list(
          {
            status: query.status,
            topic: query.topic,
            resourceId: query.resource_id,
            credentialId: query.credential_id,
          },
          cursor,
          limit,
        ),
      (row) => ({ at: row.receivedAt, id: row.id }),
      (row) => NotificationDto.from(row),
    );
  }

  @Post(':id/retry')
  @HttpCode(200)
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary: 'Process a dead (or done, or waiting) notification again now, with fresh attempts',
  })
  @ApiOkResponse({ type: NotificationDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'NOTIFICATION_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorBody,
    description:
      'NOTIFICATION_INVALID_STATE (processing, or a topic not processed), NOTIFICATION_ALREADY_QUEUED',
  })
  async retry(@Param('id', new ParseUUIDPipe()) id: string): Promise<NotificationDto> {
    const outcome = await this.repository.retry(id);
    switch (outcome.kind) {
      case 'queued':
        return NotificationDto.from(outcome.row);
      case 'missing':
        throw new NotificationNotFoundError(id);
      case 'invalid_state':
        throw NotificationRetryConflictError.invalidState(outcome.status);
      case 'already_queued':
        throw NotificationRetryConflictError.alreadyQueued();
    }
  }
}
