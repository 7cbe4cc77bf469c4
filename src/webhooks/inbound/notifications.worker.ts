import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { GatewayNotFoundError } from '../../common/errors/gateway-errors';
import { AppConfig } from '../../config/app-config';
import { CredentialUnusableError } from '../../credentials/credentials.errors';
import { CredentialsService, UsableCredentials } from '../../credentials/credentials.service';
import { DisputesService } from '../../disputes/disputes.service';
import { PaymentCommandsService } from '../../payments/payment-commands.service';
import { NotificationsMetrics } from './notifications.metrics';
import {
  ClaimedNotification,
  CompletedRead,
  NotificationsRepository,
} from './notifications.repository';
import type { NotificationRow } from './notifications.schema';

/** Rows claimed, read concurrently and settled together (one UPDATE each way). */
const BATCH = 32;
const SMALL_BATCH = 4;
/** Far longer than one read from Mercado Pago (timeout × retries); a dead worker's rows return. */
const LEASE_MS = 120_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/**
 * Acknowledging comes first (Mercado Pago waits 22 s, then retries). Two delays say whether
 * acknowledgements keep up: the event loop's (how late callbacks run, a request's among them) and
 * the storing of the acknowledgements themselves (queued behind the worker's statements, on
 * PGlite's one connection above all). From SLOW_LOOP_MS the worker takes small batches, from
 * STALLED_LOOP_MS it pauses; in a flood (FLOOD_ACKS_PER_S and more) it pauses from SLOW_LOOP_MS,
 * as each late callback then delays many acknowledgements, while a calm service keeps its reads
 * prompt. It catches up when notifications slow down. Rows wait in the inbox meanwhile; nothing is
 * lost.
 */
const SLOW_LOOP_MS = 5;
const STALLED_LOOP_MS = 20;
const FLOOD_ACKS_PER_S = 200;
const PAUSE_MS = 50;
const MAX_PAUSE_MS = 1_000;
/**
 * The shortest span a rate of acknowledgements is taken over (a pause's, the looks' cadence in a
 * flood): one acknowledgement between two close looks is no flood.
 */
const RATE_SPAN_MS = PAUSE_MS;

function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A single `payment.created` webhook on its first attempt. For a payment we already hold from
 * Mercado Pago's word (the claim reads it) it says nothing new: any later change comes as its own `payment.updated`.
 * The action is unsigned, so a forged one can only delay a read until the sweep finds the change
 * by date_last_updated (SWEEP_INTERVAL_SECONDS); anything folded in (an update, a duplicate, IPN)
 * or a retry reads as usual.
 */
function announcesCreationOnly(row: NotificationRow): boolean {
  return (
    row.topic === 'payment' &&
    row.action === 'payment.created' &&
    row.webhookCount === 1 &&
    row.ipnCount === 0 &&
    row.attempts === 1
  );
}

/**
 * Processes the inbox: claims rows, re-reads each payment from Mercado Pago with its
 * credentials (the notification body is never taken as the payment's state; its action only lets
 * a lone creation skip the read, see announcesCreationOnly) and applies it if newer. Runs on an
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
    private readonly payments: PaymentCommandsService,
    private readonly disputes: DisputesService,
    private readonly metrics: NotificationsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.loopDelay.enable();
    const interval = this.config.webhooks.workerIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(() => void this.runOnce(), interval);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.loopDelay.disable();
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
        let full: boolean;
        do {
          const batch = await this.yieldWhenBusy();
          const rows = await this.repository.claim(batch, LEASE_MS);
          const reads = await Promise.all(rows.map((row) => this.read(row)));
          await this.settle(reads.filter((read) => read !== undefined));
          full = rows.length === batch;
          total += rows.length;
        } while (full && !this.stopped);
      } while (this.again && !this.stopped);
    } catch (error) {
      this.logger.error(`Inbox run failed: ${describe(error)}`);
    }
    return total;
  }

  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private slowestStoreMs = 0;
  private storedSinceLook = 0;
  private lastLook = performance.now();

  /** How long an acknowledgement took to store: see yieldWhenBusy. */
  stored(ms: number): void {
    this.slowestStoreMs = Math.max(this.slowestStoreMs, ms);
    this.storedSinceLook++;
  }

  /**
   * The size of the next batch: small while the loop is slow; none while it is stalled, but
   * never for more than MAX_PAUSE_MS in a row, so a flood of notifications cannot stop the worker.
   */
  private async yieldWhenBusy(): Promise<number> {
    for (let paused = 0; ; paused += PAUSE_MS) {
      // The worst delays since the last look (the histogram's samples are in nanoseconds).
      const loopMs = this.loopDelay.count > 0 ? this.loopDelay.max / 1e6 : 0;
      const delayMs = Math.max(loopMs, this.slowestStoreMs);
      const now = performance.now();
      const acknowledging = this.storedSinceLook > 0;
      const acksPerS = (this.storedSinceLook * 1000) / Math.max(RATE_SPAN_MS, now - this.lastLook);
      this.loopDelay.reset();
      this.slowestStoreMs = 0;
      this.storedSinceLook = 0;
      this.lastLook = now;
      // With no acknowledgement to make way for, a slow loop is the worker's own work.
      if (!acknowledging || delayMs < SLOW_LOOP_MS || this.stopped) return BATCH;
      const stalled = acksPerS >= FLOOD_ACKS_PER_S || delayMs >= STALLED_LOOP_MS;
      if (!stalled || paused >= MAX_PAUSE_MS) return SMALL_BATCH;
      this.metrics.countPause();
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  /**
   * Reads the payment (or the chargeback) and applies it when it changed; undefined when it
   * failed (and was settled).
   */
  private async read(row: ClaimedNotification): Promise<CompletedRead | undefined> {
    let credentials: UsableCredentials;
    try {
      credentials = await this.credentials.resolve(row.credentialId);
    } catch (error) {
      // Deleted or refused credentials do not come back by waiting; invalid ones do, once rotated.
      const permanent = error instanceof DomainError && !(error instanceof CredentialUnusableError);
      await this.failed(row, error, permanent);
      return undefined;
    }
    try {
      // Read from Mercado Pago outside any transaction of ours; the body was never trusted.
      if (row.topic === 'chargebacks') {
        const dispute = await this.disputes.refresh(credentials, row.resourceId ?? '');
        return { row, paymentId: dispute.paymentId, version: dispute.gatewayUpdatedAt };
      }
      if (row.held && announcesCreationOnly(row)) {
        this.metrics.countReadSkipped();
        return { row, ...row.held };
      }
      const payment = await this.payments.refresh(credentials, Number(row.resourceId));
      return { row, paymentId: payment.id, version: payment.gatewayUpdatedAt };
    } catch (error) {
      // "Not found" right after a notification is normal (Mercado Pago's reads lag its writes),
      // but an id it keeps not knowing (made up, or another account's) stops costing reads.
      const unknown =
        error instanceof GatewayNotFoundError &&
        row.attempts >= this.config.webhooks.notFoundMaxAttempts;
      await this.failed(row, error, unknown);
      return undefined;
    }
  }

  /** One UPDATE settles the batch; the rows it leaves (folds, lost leases) settle one by one. */
  private async settle(reads: CompletedRead[]): Promise<void> {
    let left = reads;
    try {
      const outcome = await this.repository.completeMany(reads);
      for (const read of outcome.settled) {
        if (read.status === 'done') this.metrics.observeLag(read.row.receivedAt);
      }
      left = outcome.left;
    } catch (error) {
      this.logger.warn(`Settling ${reads.length} notifications at once failed: ${describe(error)}`);
    }
    await Promise.all(
      left.map(async ({ row, paymentId, version }) => {
        try {
          const outcome = await this.repository.complete(row, paymentId, version);
          if (outcome === 'done' || outcome === 'folded') this.metrics.observeLag(row.receivedAt);
        } catch (error) {
          await this.failed(row, error, false);
        }
      }),
    );
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
