import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CredentialsFiltered, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../common/errors/error-body';
import { readPage } from '../database/keyset';
import { DisputesService } from './disputes.service';
import type { DisputeStatus } from './disputes.schema';
import { DisputeDto, DisputeListDto } from './dto/dispute.dto';
import { DisputeListQuery } from './dto/dispute-list.query';

/** Chargebacks and their deadlines, for ops. Read only: Mercado Pago is where they change. */
@ApiTags('disputes')
@Controller('v1/disputes')
@CredentialsFiltered()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Get()
  @RequireScopes('payments:read')
  @ApiOperation({ summary: 'List disputes, newest first, with filters and cursor pages' })
  @ApiOkResponse({ type: DisputeListDto })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DisputeListQuery,
  ): Promise<DisputeListDto> {
    return readPage(
      query,
      (cursor, limit) =>
        this.disputes.list(
          {
            status: query.status as DisputeStatus | undefined,
            deadlineBefore: query.deadline_before ? new Date(query.deadline_before) : undefined,
            credentialId: query.credential_id,
            credentialIds: principal.credentialIds,
          },
          cursor,
          limit,
        ),
      (row) => ({ at: row.createdAt, id: row.id }),
      (row) => DisputeDto.from(row),
    );
  }

  @Get(':id')
  @RequireScopes('payments:read')
  @ApiOperation({ summary: 'One dispute (a Mercado Pago chargeback)' })
  @ApiOkResponse({ type: DisputeDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'DISPUTE_NOT_FOUND' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<DisputeDto> {
    return DisputeDto.from(await this.disputes.get(id, principal));
  }
}
