import { Module } from '@nestjs/common';
import { InboundWebhooksModule } from './inbound/inbound.module';

/** Webhooks: Mercado Pago's notifications in (inbound/). */
@Module({
  imports: [InboundWebhooksModule],
  exports: [InboundWebhooksModule],
})
export class WebhooksModule {}
