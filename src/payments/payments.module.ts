import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { OutboxRepository } from '../events/outbox.repository';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { NotificationUrls } from './notification-url';
import { PaymentCommandsService } from './payment-commands.service';
import { PaymentQueriesService } from './payment-queries.service';
import { PaymentSubmissionService } from './payment-submission.service';
import { PaymentWriter } from './payment-writer';
import { PaymentsController } from './payments.controller';
import { PaymentsReconciler } from './payments.reconciler';
import { PaymentsRepository } from './payments.repository';
import { RefundsService } from './refunds.service';

@Module({
  imports: [CredentialsModule, IdempotencyModule],
  controllers: [PaymentsController],
  providers: [
    PaymentsRepository,
    PaymentWriter,
    PaymentSubmissionService,
    PaymentCommandsService,
    PaymentQueriesService,
    RefundsService,
    PaymentsReconciler,
    NotificationUrls,
    OutboxRepository,
  ],
  exports: [PaymentCommandsService, PaymentWriter, PaymentSubmissionService, PaymentQueriesService],
})
export class PaymentsModule {}
