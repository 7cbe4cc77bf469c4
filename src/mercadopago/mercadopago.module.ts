import { Global, Module } from '@nestjs/common';
import { MercadoPagoAccounts } from '../credentials/mercadopago-accounts.port';
import { MercadoPagoAccountsAdapter } from './mercadopago-accounts.adapter';
import { MercadoPagoCustomersAdapter } from './mercadopago-customers.adapter';
import { MercadoPagoEndpoint } from './mercadopago-endpoint';
import { MercadoPagoLookupsAdapter } from './mercadopago-lookups.adapter';
import { MercadoPagoPaymentGateway } from './mercadopago-payment.gateway';
import { PaymentGateway } from '../payments/payment-gateway.port';
import { CustomerGateway } from '../customers/customer-gateway.port';
import { LookupsGateway } from '../lookups/lookups.port';
import { DisputeGateway } from '../disputes/dispute-gateway.port';
import { MercadoPagoDisputeGateway } from './mercadopago-dispute.gateway';
import { CredentialsModule } from '../credentials/credentials.module';
import { SdkCalls } from './sdk-calls';

/** The adapter: the only module that imports the `mercadopago` SDK or knows its JSON. */
@Global()
@Module({
  // For AccessTokenRefusals: a 401 marks the credentials invalid.
  imports: [CredentialsModule],
  providers: [
    MercadoPagoEndpoint,
    SdkCalls,
    { provide: MercadoPagoAccounts, useClass: MercadoPagoAccountsAdapter },
    { provide: PaymentGateway, useClass: MercadoPagoPaymentGateway },
    { provide: CustomerGateway, useClass: MercadoPagoCustomersAdapter },
    { provide: LookupsGateway, useClass: MercadoPagoLookupsAdapter },
    { provide: DisputeGateway, useClass: MercadoPagoDisputeGateway },
  ],
  exports: [
    MercadoPagoEndpoint,
    MercadoPagoAccounts,
    PaymentGateway,
    CustomerGateway,
    LookupsGateway,
    DisputeGateway,
  ],
})
export class MercadoPagoModule {}
