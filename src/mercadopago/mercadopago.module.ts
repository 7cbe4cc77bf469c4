import { Global, Module } from '@nestjs/common';
import { MercadoPagoAccounts } from '../credentials/mercadopago-accounts.port';
import { MercadoPagoAccountsAdapter } from './mercadopago-accounts.adapter';
import { MercadoPagoCustomersAdapter } from './mercadopago-customers.adapter';
import { MercadoPagoEndpoint } from './mercadopago-endpoint';
import { MercadoPagoPaymentGateway } from './mercadopago-payment.gateway';
import { PaymentGateway } from '../payments/payment-gateway.port';
import { CustomerGateway } from '../customers/customer-gateway.port';

/** The adapter: the only module that imports the `mercadopago` SDK or knows its JSON. */
@Global()
@Module({
  providers: [
    MercadoPagoEndpoint,
    { provide: MercadoPagoAccounts, useClass: MercadoPagoAccountsAdapter },
    { provide: PaymentGateway, useClass: MercadoPagoPaymentGateway },
    { provide: CustomerGateway, useClass: MercadoPagoCustomersAdapter },
  ],
  exports: [MercadoPagoEndpoint, MercadoPagoAccounts, PaymentGateway, CustomerGateway],
})
export class MercadoPagoModule {}
