import { Module } from '@nestjs/common';
import { CredentialsModule } from '../../credentials/credentials.module';
import { DisputesModule } from '../../disputes/disputes.module';
import { PaymentsModule } from '../../payments/payments.module';
import { MercadoPagoWebhookController } from './mercadopago-webhook.controller';
import { NotificationsInboxService } from './notifications-inbox.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsMetrics } from './notifications.metrics';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { NotificationsWorker } from './notifications.worker';

/** Mercado Pago notifications in: the public webhook, the inbox and its worker, the admin view. */
@Module({
  imports: [CredentialsModule, PaymentsModule, DisputesModule],
  controllers: [MercadoPagoWebhookController, NotificationsController],
  providers: [
    NotificationsRepository,
    NotificationsInboxService,
    NotificationsService,
    NotificationsWorker,
    NotificationsMetrics,
  ],
  exports: [NotificationsWorker],
})
export class InboundWebhooksModule {}
