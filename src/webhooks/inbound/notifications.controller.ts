import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CredentialsFiltered, CurrentPrincipal, RequireScopes } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ErrorBody } from '../../common/errors/error-body';
import { readPage } from '../../database/keyset';
import {
  NotificationDto,
  NotificationListDto,
  NotificationListQuery,
} from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

/** Operators' view of the inbox: what Mercado Pago sent, and what became of it. */
@ApiTags('notifications')
@Controller('v1/notifications')
@CredentialsFiltered()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @RequireScopes('webhooks:admin')
  @ApiOperation({
    summary: 'Mercado Pago notifications received, newest first, with their processing state',
  })
  @ApiOkResponse({ type: NotificationListDto })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: NotificationListQuery,
  ): Promise<NotificationListDto> {
    return readPage(
      query,
      (cursor, limit) =>
        this.notifications.list(
          {
            status: query.status,
            topic: query.topic,
            resourceId: query.resource_id,
            credentialId: query.credential_id,
            credentialIds: principal.credentialIds,
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
  async retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<NotificationDto> {
    return NotificationDto.from(await this.notifications.retry(id, principal));
  }
}
