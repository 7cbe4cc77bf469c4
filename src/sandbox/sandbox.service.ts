import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { CredentialsService, UsableCredentials } from '../credentials/credentials.service';
import { CardBinInfo, InstallmentOption } from '../lookups/lookups.port';
import { InstallmentsRequest, Lookup, LookupsService } from '../lookups/lookups.service';
import { MercadoPagoEndpoint } from '../mercadopago/mercadopago-endpoint';
import { PaymentCreateDto } from '../payments/dto/payment-create.dto';
import { PaymentQueriesService } from '../payments/payment-queries.service';
import { IdempotentResult, PaymentSubmissionService } from '../payments/payment-submission.service';
import { PaymentRow } from '../payments/payments.schema';

/** Who the page's payments are made by: no service token exists for it, so none can leak. */
const SANDBOX_TOKEN_ID = 'sandbox-checkout';
const MERCADOPAGO_API = 'https://api.mercadopago.com';
const MERCADOPAGO_JS = 'https://sdk.mercadopago.com/js/v2';
/** Where the emulator serves its stand-in, mirroring the path of Mercado Pago's script. */
const STAND_IN_PATH = '/js/v2';

export interface SandboxCheckout {
  credentialId: string;
  siteId: string;
  publicKey: string;
  mercadoPagoJsUrl: string;
}

function principalFor(credentials: UsableCredentials): Principal {
  return {
    tokenId: SANDBOX_TOKEN_ID,
    name: 'sandbox checkout page',
    scopes: ['payments:write', 'payments:read'],
    credentialIds: [credentials.id],
  };
}

/** As if it were not there: the page exists only for sandbox credentials. */
const absent = () => new NotFoundError('REQUEST_ROUTE_NOT_FOUND', 'No such route');

/**
 * The sandbox checkout page's server side. The page never holds a service token: it sends the
 * card token (never card data) here, and the payment is made by a principal of its own, limited
 * to sandbox credentials and to reading back only what it made.
 */
@Injectable()
export class SandboxService {
  constructor(
    private readonly config: AppConfig,
    private readonly endpoint: MercadoPagoEndpoint,
    private readonly credentials: CredentialsService,
    private readonly submission: PaymentSubmissionService,
    private readonly queries: PaymentQueriesService,
    private readonly lookups: LookupsService,
  ) {}

  async checkout(credentialId?: string): Promise<SandboxCheckout> {
    const credentials = await this.sandboxCredentials(credentialId);
    return {
      credentialId: credentials.id,
      siteId: credentials.siteId,
      publicKey: credentials.publicKey,
      mercadoPagoJsUrl: this.mercadoPagoJsUrl(),
    };
  }

  /** The card's brand and issuer from its first digits, through the service's own lookups. */
  async cardBin(bin: string, credentialId?: string): Promise<Lookup<CardBinInfo>> {
    const credentials = await this.sandboxCredentials(credentialId);
    return this.lookups.cardBin(credentials.id, principalFor(credentials), bin);
  }

  async installments(
    request: InstallmentsRequest,
    credentialId?: string,
  ): Promise<Lookup<InstallmentOption[]>> {
    const credentials = await this.sandboxCredentials(credentialId);
    return this.lookups.installments(credentials.id, principalFor(credentials), request);
  }

  async pay(key: string, dto: PaymentCreateDto): Promise<IdempotentResult<unknown>> {
    const credentials = await this.sandboxCredentials(dto.credential_id);
    return this.submission.create(principalFor(credentials), key, {
      ...dto,
      credential_id: credentials.id,
    });
  }

  /** Only payments the page made, on credentials that are still sandbox ones. */
  async payment(id: string): Promise<PaymentRow> {
    const row = await this.queries.get(id);
    if (row.createdBy !== SANDBOX_TOKEN_ID) throw absent();
    await this.sandboxCredentials(row.credentialId);
    return row;
  }

  private async sandboxCredentials(credentialId?: string): Promise<UsableCredentials> {
    const credentials = await this.credentials.resolve(credentialId);
    if (credentials.mode !== 'sandbox') throw absent();
    return credentials;
  }

  private mercadoPagoJsUrl(): string {
    if (this.config.sandbox.mercadoPagoJsUrl) return this.config.sandbox.mercadoPagoJsUrl;
    const api = this.endpoint.baseUrl;
    return api === MERCADOPAGO_API ? MERCADOPAGO_JS : `${api}${STAND_IN_PATH}`;
  }
}
