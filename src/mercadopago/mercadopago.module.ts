import { Global, Module } from '@nestjs/common';
import { MercadoPagoEndpoint } from './mercadopago-endpoint';

/** The adapter: the only module that imports the `mercadopago` SDK or knows its JSON. */
@Global()
@Module({
  providers: [MercadoPagoEndpoint],
  exports: [MercadoPagoEndpoint],
})
export class MercadoPagoModule {}
