import { Module } from '@nestjs/common';
import { OutboxRepository } from '../events/outbox.repository';
import { PaymentsModule } from '../payments/payments.module';
import { DisputesController } from './disputes.controller';
import { DisputesMetrics } from './disputes.metrics';
import { DisputesRepository } from './disputes.repository';
import { DisputesService } from './disputes.service';

/** Mercado Pago chargebacks as disputes: recorded from notifications, listed for ops. */
@Module({
  imports: [PaymentsModule],
  controllers: [DisputesController],
  providers: [DisputesRepository, DisputesService, DisputesMetrics, OutboxRepository],
  exports: [DisputesService],
})
export class DisputesModule {}
