import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
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
import {
  CardCreateDto,
  CustomerCardParams,
  CustomerCreateDto,
  CustomerListQuery,
  CustomerParams,
} from './dto/customer-create.dto';
import { CardDto, CardListDto, CustomerDto, CustomerListDto } from './dto/customer.dto';
import { CustomersService } from './customers.service';

const UNAVAILABLE = { type: ErrorBody, description: 'GATEWAY_UNAVAILABLE: safe to retry' };
const TIMEOUT = { type: ErrorBody, description: 'GATEWAY_UNAVAILABLE (timeout): safe to retry' };

@ApiTags('customers')
@Controller('v1/customers')
@CredentialsFiltered()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @RequireScopes('customers:write')
  @ApiOperation({
    summary: 'Create a customer, or adopt the one Mercado Pago already has for that email',
    description:
      '201 when the customer is new here (made at Mercado Pago, or adopted from it); 200 with ' +
      'the existing customer when these credentials already have one with that email.',
  })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiOkResponse({ type: CustomerDto, description: 'Already known: the existing customer' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorBody, description: 'CUSTOMER_EMAIL_CONFLICT: retry' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'GATEWAY_REJECTED (nothing created), CREDENTIAL_NO_DEFAULT, CREDENTIAL_*',
  })
  @ApiBadGatewayResponse(UNAVAILABLE)
  @ApiGatewayTimeoutResponse(TIMEOUT)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CustomerCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerDto> {
    const { customer, created } = await this.customers.create(
      {
        email: body.email,
        firstName: body.first_name,
        lastName: body.last_name,
        identification: body.identification,
        credentialId: body.credential_id,
      },
      principal,
    );
    void reply.status(created ? 201 : 200);
    return CustomerDto.from(customer);
  }

  @Get()
  @RequireScopes('payments:read')
  @ApiOperation({ summary: 'Find customers by email (from our records; no Mercado Pago call)' })
  @ApiOkResponse({ type: CustomerListDto })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: CustomerListQuery,
  ): Promise<CustomerListDto> {
    const rows = await this.customers.listByEmail(query.email, query.credential_id, principal);
    return { data: rows.map((row) => CustomerDto.from(row)) };
  }

  @Post(':id/cards')
  @RequireScopes('customers:write')
  @ApiOperation({
    summary: 'Save the card behind a card token (saving the same card again answers it)',
  })
  @ApiCreatedResponse({ type: CardDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CUSTOMER_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'GATEWAY_REJECTED: the token is unknown, expired or not usable',
  })
  @ApiBadGatewayResponse(UNAVAILABLE)
  @ApiGatewayTimeoutResponse(TIMEOUT)
  async addCard(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CustomerParams,
    @Body() body: CardCreateDto,
  ): Promise<CardDto> {
    const { customer, card } = await this.customers.addCard(params.id, body.token, principal);
    return CardDto.from(card, customer.id);
  }

  @Get(':id/cards')
  @RequireScopes('payments:read')
  @ApiOperation({ summary: "The customer's saved cards, as Mercado Pago holds them now" })
  @ApiOkResponse({ type: CardListDto })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'CUSTOMER_NOT_FOUND' })
  @ApiBadGatewayResponse(UNAVAILABLE)
  @ApiGatewayTimeoutResponse(TIMEOUT)
  async listCards(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CustomerParams,
  ): Promise<CardListDto> {
    const { customer, cards } = await this.customers.listCards(params.id, principal);
    return { data: cards.map((card) => CardDto.from(card, customer.id)) };
  }

  @Delete(':id/cards/:card_id')
  @RequireScopes('customers:write')
  @ApiOperation({ summary: 'Delete a saved card; answers 200 with the deleted card' })
  @ApiOkResponse({ type: CardDto })
  @ApiNotFoundResponse({
    type: ErrorBody,
    description: 'CUSTOMER_NOT_FOUND, CUSTOMER_CARD_NOT_FOUND',
  })
  @ApiBadGatewayResponse(UNAVAILABLE)
  @ApiGatewayTimeoutResponse(TIMEOUT)
  async deleteCard(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CustomerCardParams,
  ): Promise<CardDto> {
    const { customer, card } = await this.customers.deleteCard(
      params.id,
      params.card_id,
      principal,
    );
    return CardDto.from(card, customer.id);
  }
}
