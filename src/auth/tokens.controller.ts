import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body';
import { CredentialsService } from '../credentials/credentials.service';
import { RequireScopes } from './auth.decorators';
import { CreateTokenDto, CreatedTokenDto, TokenDto, TokenListDto } from './dto/token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@Controller('v1/tokens')
@RequireScopes('tokens:admin')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly credentials: CredentialsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a service token; its secret is returned only in this answer' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND (credential_ids)' })
  async create(@Body() body: CreateTokenDto): Promise<CreatedTokenDto> {
    // A typo would make a token that sees nothing: every named credentials must exist.
    for (const id of body.credential_ids ?? []) await this.credentials.get(id);
    const { token, row } = await this.tokens.create(body.name, body.scopes, body.credential_ids);
    return { ...TokenDto.from(row), token };
  }

  @Get()
  @ApiOperation({ summary: 'List service tokens (never their secrets)' })
  @ApiOkResponse({ type: TokenListDto })
  async list(): Promise<TokenListDto> {
    return { data: (await this.tokens.list()).map((row) => TokenDto.from(row)) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a service token; it stops working at once' })
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiNotFoundResponse({ type: ErrorBody })
  async revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<TokenDto> {
    return TokenDto.from(await this.tokens.revoke(id));
  }
}
