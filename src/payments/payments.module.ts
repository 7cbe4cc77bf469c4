import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { OutboxRepository } from '../events/outbox.repository';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PaymentsController } from './payments.controller';
import { PaymentsReconciler } from './payments.reconciler';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { RefundsService } from './refunds.service';

@Module({
  imports: [CredentialsModule, IdempotencyModule],
  controllers: [PaymentsController],
  providers: [
    PaymentsRepository,
    PaymentsService,
    RefundsService,
    PaymentsReconciler,
    OutboxRepository,
  ],
  exports: [PaymentsService],
})
export class PaymentsModule {}
