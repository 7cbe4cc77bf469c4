import { Global, Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { DeliveryWorker } from './delivery.worker';
import { EventDeliveriesRepository } from './event-deliveries.repository';
import { EventsController } from './events.controller';
import { EventsMetrics } from './events.metrics';
import { EventsService } from './events.service';
import { OutboxSignal } from './outbox-signal';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookSender } from './webhook-sender';

/**
 * Payment events to internal services. Global for OutboxSignal only: whoever appends to the
 * outbox (payments) wakes this module's worker.
 */
@Global()
@Module({
  imports: [CredentialsModule],
  controllers: [WebhookEndpointsController, EventsController],
  providers: [
    OutboxSignal,
    WebhookEndpointsRepository,
    EventDeliveriesRepository,
    WebhookEndpointsService,
    EventsService,
    WebhookSender,
    EventsMetrics,
    DeliveryWorker,
  ],
  exports: [OutboxSignal],
})
export class EventsModule {}
