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
  Req,
} from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CredentialsFiltered, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../common/errors/error-body';
import { Secret } from '../common/secret';
import { Actor, CredentialsService } from './credentials.service';
import {
  CreateCredentialDto,
  CredentialAuditEntryDto,
  CredentialAuditListDto,
  CredentialDto,
  CredentialListDto,
  PublicKeyDto,
  RotateCredentialDto,
  UpdateCredentialDto,
} from './dto/credential.dto';
import { GoLiveDto } from './dto/go-live.dto';
import { GoLiveService } from './go-live/go-live.service';

const secret = (value: string | undefined) => (value === undefined ? undefined : new Secret(value));

/** The global guard sets the principal before any handler runs. */
const actorOf = (request: FastifyRequest): Actor => {
  const { tokenId, name } = request.principal!;
  return { tokenId, name };
};

const UUID_PARAM = new ParseUUIDPipe();

@ApiTags('credentials')
@Controller('v1/credentials')
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly goLive: GoLiveService,
  ) {}

  @Post()
  @RequireScopes('credentials:admin')
  @ApiOperation({
    summary: 'Add Mercado Pago credentials, checked live with Mercado Pago before they are stored',
  })
  @ApiCreatedResponse({ type: CredentialDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'CREDENTIAL_NAME_TAKEN' })
  @ApiBadGatewayResponse({
    type: ErrorBody,
    description: 'GATEWAY_UNAVAILABLE: the live check got no answer',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'CREDENTIAL_INVALID (formats, site, mode) or CREDENTIAL_CHECK_FAILED (live check)',
  })
  async create(
    @Body() body: CreateCredentialDto,
    @Req() request: FastifyRequest,
  ): Promise<CredentialDto> {
    const row = await this.credentials.create(
      {
        name: body.name,
        siteId: body.site_id,
        mode: body.mode,
        publicKey: body.public_key,
        accessToken: new Secret(body.access_token),
        webhookSecret: secret(body.webhook_secret),
        isDefault: body.is_default ?? false,
      },
      actorOf(request),
    );
    return CredentialDto.from(row);
  }

  @Get()
  @RequireScopes('credentials:admin')
  @ApiOperation({ summary: 'List credentials (secrets appear only as a 4-character hint)' })
  @ApiOkResponse({ type: CredentialListDto })
  async list(): Promise<CredentialListDto> {
    return { data: (await this.credentials.list()).map((row) => CredentialDto.from(row)) };
  }

  @Get(':id')
  @RequireScopes('credentials:admin')
  @ApiOperation({ summary: 'One set of credentials' })
  @ApiOkResponse({ type: CredentialDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  async get(@Param('id', UUID_PARAM) id: string): Promise<CredentialDto> {
    return CredentialDto.from(await this.credentials.get(id));
  }

  @Patch(':id')
  @RequireScopes('credentials:admin')
  @ApiOperation({ summary: 'Rename, change the public key, or make (or unmake) the default' })
  @ApiOkResponse({ type: CredentialDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorBody, description: 'CREDENTIAL_NAME_TAKEN' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'CREDENTIAL_INVALID' })
  async update(
    @Param('id', UUID_PARAM) id: string,
    @Body() body: UpdateCredentialDto,
    @Req() request: FastifyRequest,
  ): Promise<CredentialDto> {
    const row = await this.credentials.update(
      id,
      { name: body.name, publicKey: body.public_key, isDefault: body.is_default },
      actorOf(request),
    );
    return CredentialDto.from(row);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('credentials:admin')
  @ApiOperation({
    summary: 'Delete credentials: secrets wiped, the record kept for the payments that used it',
  })
  @ApiOkResponse({ type: CredentialDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  async remove(
    @Param('id', UUID_PARAM) id: string,
    @Req() request: FastifyRequest,
  ): Promise<CredentialDto> {
    return CredentialDto.from(await this.credentials.remove(id, actorOf(request)));
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @RequireScopes('credentials:admin')
  @ApiOperation({
    summary:
      'Replace the access token and/or webhook secret; the old webhook secret stays accepted ' +
      'for the overlap (CREDENTIALS_ROTATION_OVERLAP_HOURS, default 12)',
  })
  @ApiOkResponse({ type: CredentialDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  @ApiBadGatewayResponse({
    type: ErrorBody,
    description: 'GATEWAY_UNAVAILABLE: the live check got no answer',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'CREDENTIAL_INVALID or CREDENTIAL_CHECK_FAILED',
  })
  async rotate(
    @Param('id', UUID_PARAM) id: string,
    @Body() body: RotateCredentialDto,
    @Req() request: FastifyRequest,
  ): Promise<CredentialDto> {
    const row = await this.credentials.rotate(
      id,
      { accessToken: secret(body.access_token), webhookSecret: secret(body.webhook_secret) },
      actorOf(request),
    );
    return CredentialDto.from(row);
  }

  @Get(':id/audit')
  @RequireScopes('credentials:admin')
  @ApiOperation({ summary: 'Who created, changed, rotated or deleted these credentials, and when' })
  @ApiOkResponse({ type: CredentialAuditListDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  async audit(@Param('id', UUID_PARAM) id: string): Promise<CredentialAuditListDto> {
    const rows = await this.credentials.auditLog(id);
    return { data: rows.map((row) => CredentialAuditEntryDto.from(row)) };
  }

  @Get(':id/go-live')
  @RequireScopes('credentials:admin')
  @ApiOperation({
    summary:
      "Mercado Pago's go-live requirements for these credentials, each passed or not, with what " +
      'to do (README: Going live)',
  })
  @ApiOkResponse({ type: GoLiveDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  async goLiveReport(@Param('id', UUID_PARAM) id: string): Promise<GoLiveDto> {
    return GoLiveDto.from(await this.goLive.report(id));
  }

  @Get(':id/public-key')
  @RequireScopes('payments:read')
  @CredentialsFiltered()
  @ApiOperation({
    summary: 'The public key a front end needs to make card tokens ("default" for the default)',
  })
  @ApiParam({ name: 'id', description: 'Credentials id, or "default"' })
  @ApiOkResponse({ type: PublicKeyDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'CREDENTIAL_NO_DEFAULT or CREDENTIAL_SANDBOX_IN_PRODUCTION',
  })
  async publicKey(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<PublicKeyDto> {
    const row = await this.credentials.publicKey(id === 'default' ? undefined : id, principal);
    return PublicKeyDto.from(row);
  }
}
