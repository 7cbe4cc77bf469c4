import { Global, Module } from '@nestjs/common';
import { MercadoPagoAccounts } from '../credentials/mercadopago-accounts.port';
import { MercadoPagoAccountsAdapter } from './mercadopago-accounts.adapter';
import { MercadoPagoEndpoint } from './mercadopago-endpoint';

/** The adapter: the only module that imports the `mercadopago` SDK or knows its JSON. */
@Global()
@Module({
  providers: [
    MercadoPagoEndpoint,
    { provide: MercadoPagoAccounts, useClass: MercadoPagoAccountsAdapter },
  ],
  exports: [MercadoPagoEndpoint, MercadoPagoAccounts],
})
export class MercadoPagoModule {}
