import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/app-config';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { PaymentCommandsService } from './payment-commands.service';
import { PaymentsRepository } from './payments.repository';
import { RefundsService } from './refunds.service';

const BATCH = 20;
const PURGE_BATCH = 500;

/**
 * Covers lost notifications and unanswered calls: periodically re-reads payments that are due
 * (unsettled ones with exponential back-off, approved and in-mediation ones on a slow decaying
 * schedule, so a refund, chargeback or mediation is never missed), re-sends refunds whose outcome
 * is unknown, and purges idempotency keys past their 24 hours.
 */
@Injectable()
export class PaymentsReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private readonly job = new PeriodicJob(() => this.sweep());

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly commands: PaymentCommandsService,
    private readonly refunds: RefundsService,
    private readonly idempotency: IdempotencyService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(this.config.reconcileIntervalSeconds);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** One sweep; returns how many payments and refunds it re-read. Overlapping calls share one. */
  runOnce(): Promise<number> {
    return this.job.run();
  }

  private async sweep(): Promise<number> {
    let count = 0;
    try {
      const due = await this.payments.claimDueForSync(BATCH);
      for (const payment of due) {
        await this.attempt(`Payment ${payment.id} (${payment.status})`, () =>
          this.commands.sync(payment.id),
        );
      }
      // A caller still holding the refund's key makes resume() pass it by.
      const stuck = await this.payments.submittingRefunds(BATCH);
      for (const refund of stuck) {
        await this.attempt(`Refund ${refund.id}`, () => this.refunds.resume(refund));
      }
      count = due.length + stuck.length;
      await this.idempotency.purgeExpired(PURGE_BATCH);
    } catch (error) {
      this.logger.error(`Sweep failed: ${(error as Error).message}`);
    }
    return count;
  }

  private async attempt(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(`${what} not settled yet: ${(error as Error).message}`);
    }
  }
}
