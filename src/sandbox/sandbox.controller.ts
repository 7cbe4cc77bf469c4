import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/auth.decorators';
import { checkIdempotencyKey } from '../idempotency/idempotency.service';
import { InstallmentsQueryDto } from '../lookups/dto/lookup-query.dto';
import { CardBinDto, InstallmentListDto, InstallmentOptionDto } from '../lookups/dto/lookup.dto';
import { Lookup } from '../lookups/lookups.service';
import { PaymentCreateDto } from '../payments/dto/payment-create.dto';
import { PaymentDto } from '../payments/dto/payment.dto';
import { answer } from '../payments/payments.controller';
import { SandboxService } from './sandbox.service';

export class SandboxQuery {
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}

export class SandboxInstallmentsQuery extends InstallmentsQueryDto {
  @IsOptional()
  @IsUUID()
  credential_id?: string;
}

export class SandboxBinParams {
  @Matches(/^\d{6,8}$/, { message: 'bin must be the first 6 to 8 digits of the card number' })
  bin: string;
}

const answerOf = (lookup: Lookup<unknown>) => ({
  credential_id: lookup.credentials.id,
  site_id: lookup.credentials.siteId,
});

/** The page and its script ship beside the compiled module (nest-cli assets). */
const asset = (name: string) => readFileSync(join(__dirname, 'public', name), 'utf8');

/**
 * The sandbox checkout page: a development tool, so it is public (no service token), left out of
 * the OpenAPI document and not loaded at all in production (see AppModule).
 */
@ApiExcludeController()
@Public()
@Controller('sandbox/checkout')
export class SandboxController {
  private readonly html = asset('checkout.html');
  private readonly script = asset('checkout.js');

  constructor(private readonly sandbox: SandboxService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return this.html;
  }

  @Get('checkout.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  pageScript(): string {
    return this.script;
  }

  @Get('config')
  async config(@Query() query: SandboxQuery) {
    const checkout = await this.sandbox.checkout(query.credential_id);
    return {
      credential_id: checkout.credentialId,
      site_id: checkout.siteId,
      public_key: checkout.publicKey,
      mercadopago_js_url: checkout.mercadoPagoJsUrl,
    };
  }

  @Get('card-bins/:bin')
  async cardBin(
    @Param() params: SandboxBinParams,
    @Query() query: SandboxQuery,
  ): Promise<CardBinDto> {
    const lookup = await this.sandbox.cardBin(params.bin, query.credential_id);
    return CardBinDto.from(answerOf(lookup), params.bin, lookup.result, lookup.currency);
  }

  @Get('installments')
  async installments(@Query() query: SandboxInstallmentsQuery): Promise<InstallmentListDto> {
    const lookup = await this.sandbox.installments(
      { amount: query.amount, bin: query.bin, paymentMethodId: query.payment_method_id },
      query.credential_id,
    );
    return {
      ...answerOf(lookup),
      currency_id: lookup.currency,
      data: lookup.result.map((option) => InstallmentOptionDto.from(option, lookup.currency)),
    };
  }

  @Post('pay')
  async pay(
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: PaymentCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return answer(reply, await this.sandbox.pay(checkIdempotencyKey(key), body));
  }

  @Get('payments/:id')
  async payment(@Param('id', new ParseUUIDPipe()) id: string): Promise<PaymentDto> {
    return PaymentDto.from(await this.sandbox.payment(id));
  }
}
