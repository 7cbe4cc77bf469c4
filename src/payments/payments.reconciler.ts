import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { RefundsService } from './refunds.service';

const BATCH = 20;

/**
 * Covers lost notifications and unanswered calls: periodically re-reads payments that are still
 * submitting, pending, in process or authorized, each with exponential back-off, and re-sends
 * refunds whose outcome is unknown.
 */
@Injectable()
export class PaymentsReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly service: PaymentsService,
    private readonly refunds: RefundsService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.reconcileIntervalSeconds;
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.runOnce(), seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; returns how many payments and refunds it re-read. Overlapping calls share one. */
  runOnce(): Promise<number> {
    this.running ??= this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(): Promise<number> {
    const due = await this.payments.claimDueForSync(BATCH);
    for (const payment of due) {
      try {
        await this.service.sync(payment.id);
      } catch (error) {
        this.logger.warn(
          `Payment ${payment.id} (${payment.status}) not settled yet: ${(error as Error).message}`,
        );
      }
    }
    const stuck = await this.payments.submittingRefunds(BATCH);
    for (const refund of stuck) {
      try {
        await this.refunds.resume(refund);
      } catch (error) {
        this.logger.warn(`Refund ${refund.id} not settled yet: ${(error as Error).message}`);
      }
    }
    return due.length + stuck.length;
  }
}
