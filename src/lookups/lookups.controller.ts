import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CredentialsFiltered, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../common/errors/error-body';
import { CardBinParams, CredentialsParams, InstallmentsQueryDto } from './dto/lookup-query.dto';
import {
  CardBinDto,
  IdentificationTypeDto,
  IdentificationTypeListDto,
  InstallmentListDto,
  InstallmentOptionDto,
  LookupAnswerDto,
  PaymentMethodDto,
  PaymentMethodListDto,
} from './dto/lookup.dto';
import { Lookup, LookupsService } from './lookups.service';

const answerOf = (lookup: Lookup<unknown>): LookupAnswerDto => ({
  credential_id: lookup.credentials.id,
  site_id: lookup.credentials.siteId,
});

/** What a front end shows before tokenizing, per credentials ("default" for the default). */
@ApiTags('lookups')
@Controller('v1/credentials/:id')
@RequireScopes('payments:read')
@CredentialsFiltered()
@ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid input; each bad field listed' })
@ApiForbiddenResponse({
  type: ErrorBody,
  description:
    'AUTH_INSUFFICIENT_SCOPE, or AUTH_CREDENTIALS_NOT_ALLOWED (a token limited to others)',
})
@ApiNotFoundResponse({ type: ErrorBody, description: 'CREDENTIAL_NOT_FOUND' })
@ApiUnprocessableEntityResponse({
  type: ErrorBody,
  description:
    'CREDENTIAL_NO_DEFAULT, CREDENTIAL_SANDBOX_IN_PRODUCTION, or GATEWAY_REJECTED (Mercado Pago refused)',
})
@ApiBadGatewayResponse({ type: ErrorBody, description: 'GATEWAY_UNAVAILABLE: safe to retry' })
@ApiGatewayTimeoutResponse({ type: ErrorBody, description: 'GATEWAY_UNAVAILABLE (timeout)' })
export class LookupsController {
  constructor(private readonly lookups: LookupsService) {}

  @Get('payment-methods')
  @ApiOperation({
    summary: 'The payment methods of these credentials, with their card rules (cached)',
  })
  @ApiOkResponse({ type: PaymentMethodListDto })
  async paymentMethods(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CredentialsParams,
  ): Promise<PaymentMethodListDto> {
    const lookup = await this.lookups.paymentMethods(params.id, principal);
    return {
      ...answerOf(lookup),
      data: lookup.result.map((method) => PaymentMethodDto.from(method, lookup.currency)),
    };
  }

  @Get('identification-types')
  @ApiOperation({ summary: "The payer document types of these credentials' site (cached)" })
  @ApiOkResponse({ type: IdentificationTypeListDto })
  async identificationTypes(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CredentialsParams,
  ): Promise<IdentificationTypeListDto> {
    const lookup = await this.lookups.identificationTypes(params.id, principal);
    return {
      ...answerOf(lookup),
      data: lookup.result.map((type) => IdentificationTypeDto.from(type)),
    };
  }

  @Get('installments')
  @ApiOperation({
    summary:
      'How an amount can be split for a card (bin) or method, with costs and labels (cached)',
    description:
      '`payer_costs` as Mercado Pago gives them; in Argentina each carries `CFT_x%|TEA_y%` in ' +
      "`labels`, which must be shown to the buyer. `amount` takes at most the currency's decimals.",
  })
  @ApiOkResponse({ type: InstallmentListDto })
  async installments(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CredentialsParams,
    @Query() query: InstallmentsQueryDto,
  ): Promise<InstallmentListDto> {
    const lookup = await this.lookups.installments(params.id, principal, {
      amount: query.amount,
      bin: query.bin,
      paymentMethodId: query.payment_method_id,
    });
    return {
      ...answerOf(lookup),
      currency_id: lookup.currency,
      data: lookup.result.map((option) => InstallmentOptionDto.from(option, lookup.currency)),
    };
  }

  @Get('card-bins/:bin')
  @ApiOperation({
    summary: "A card's method (brand), issuer, number length and security code rules (cached)",
  })
  @ApiOkResponse({ type: CardBinDto })
  @ApiNotFoundResponse({
    type: ErrorBody,
    description: 'CARD_BIN_NOT_FOUND (no card method for it on the site) or CREDENTIAL_NOT_FOUND',
  })
  async cardBin(
    @CurrentPrincipal() principal: Principal,
    @Param() params: CardBinParams,
  ): Promise<CardBinDto> {
    const lookup = await this.lookups.cardBin(params.id, principal, params.bin);
    return CardBinDto.from(answerOf(lookup), params.bin, lookup.result, lookup.currency);
  }
}
