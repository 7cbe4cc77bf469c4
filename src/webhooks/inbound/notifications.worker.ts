import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { CredentialsService, UsableCredentials } from '../../credentials/credentials.service';
import { PaymentGateway } from '../../payments/payment-gateway.port';
import { PaymentsService } from '../../payments/payments.service';
import { NotificationsMetrics } from './notifications.metrics';
import { NotificationsRepository } from './notifications.repository';
import type { NotificationRow } from './notifications.schema';

const BATCH = 10;
/** Far longer than one read from Mercado Pago (timeout × retries); a dead worker's rows return. */
const LEASE_MS = 120_000;
const MAX_BACKOFF_MS = 15 * 60_000;

function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Processes the inbox: claims rows, re-reads each payment from Mercado Pago with its
 * credentials (the notification body is never trusted) and applies it if newer. Runs on an
 * interval and right after a notification is stored here; other instances share the queue.
 */
@Injectable()
export class NotificationsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NotificationsWorker');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: NotificationsRepository,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
    private readonly payments: PaymentsService,
    private readonly metrics: NotificationsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.webhooks.workerIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(() => void this.runOnce(), interval);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** A notification was stored: process it now rather than at the next tick. */
  wake(): void {
    if (!this.stopped) void this.runOnce();
  }

  /**
   * Processes everything due, then returns how many rows it claimed. A call while a run is
   * under way joins it and makes it look once more, so nothing stored meanwhile waits a tick.
   */
  runOnce(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let total = 0;
    try {
      do {
        this.again = false;
        let claimed: number;
        do {
          const rows = await this.repository.claim(BATCH, LEASE_MS);
          await Promise.all(rows.map((row) => this.process(row)));
          claimed = rows.length;
          total += claimed;
        } while (claimed === BATCH && !this.stopped);
      } while (this.again && !this.stopped);
    } catch (error) {
      this.logger.error(`Inbox run failed: ${describe(error)}`);
    }
    return total;
  }

  private async process(row: NotificationRow): Promise<void> {
    let credentials: UsableCredentials;
    try {
      credentials = await this.credentials.resolve(row.credentialId);
    } catch (error) {
      // Deleted or refused credentials do not come back by waiting.
      return this.failed(row, error, error instanceof DomainError);
    }
    try {
      // Outside any transaction: applyFromGateway opens its own, with the outbox event.
      const payment = await this.gateway.getPayment(
        credentials.accessToken,
        Number(row.resourceId),
      );
      const applied = await this.payments.applyFromGateway(row.credentialId, payment);
      const outcome = await this.repository.complete(row, applied.id, payment.dateLastUpdated);
      if (outcome === 'done' || outcome === 'folded') this.metrics.observeLag(row.receivedAt);
    } catch (error) {
      // "Not found" right after a notification is normal (Mercado Pago's reads lag its writes).
      await this.failed(row, error, false);
    }
  }

  private async failed(row: NotificationRow, error: unknown, permanent: boolean): Promise<void> {
    const dead = permanent || row.attempts >= this.config.webhooks.maxAttempts;
    const status = await this.repository.fail(
      row,
      describe(error),
      this.backoffMs(row.attempts),
      dead,
    );
    const message = `Notification ${row.id} (${row.topic} ${row.resourceId}) attempt ${row.attempts}: ${describe(error)}`;
    if (status === 'dead') this.logger.warn(`${message}; given up`);
    else this.logger.log(`${message}; will retry`);
  }

  /** Exponential from WEBHOOK_RETRY_BASE_MS, capped, with "equal jitter" (half fixed, half random). */
  private backoffMs(attempts: number): number {
    const exponential = Math.min(
      this.config.webhooks.retryBaseMs * 2 ** (attempts - 1),
      MAX_BACKOFF_MS,
    );
    return Math.round(exponential / 2 + (Math.random() * exponential) / 2);
  }
}
