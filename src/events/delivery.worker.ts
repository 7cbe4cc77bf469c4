import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EventDeliveriesRepository, FanOut } from './event-deliveries.repository';
import { PING, eventBody } from './event-types';
import { EventsMetrics } from './events.metrics';
import type { OutboxEventRow } from './outbox.schema';
import { OutboxSignal } from './outbox-signal';
import { eventIdOf, signatureHeader } from './standard-webhooks';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import type { EventDeliveryRow, WebhookEndpointRow } from './webhook-endpoints.schema';
import { AttemptResult, WebhookSender } from './webhook-sender';

const FAN_OUT_BATCH = 500;
/** Deliveries in flight per instance; one slow subscriber holds one slot, not the batch. */
const CONCURRENCY = 32;
/** Claim again once this many slots are free (or none is busy): one query for several rows. */
const CLAIM_AT_FREE = 8;
/** Far longer than one attempt (10 s): a dead worker's deliveries return, a live one's never do. */
const LEASE_MS = 60_000;
/**
 * On PostgreSQL the wake after an append can beat the change's commit: look again shortly, a
 * few times, before leaving it to the poll.
 */
const AFTER_APPEND_RETRIES_MS = [5, 20, 50, 100, 200];
/** Only for a change this recent; older ones are the poll's. */
const AFTER_APPEND_WINDOW_MS = 1000;

/**
 * Delivers events: fans new outbox rows out into per-endpoint deliveries, claims due ones
 * (`SKIP LOCKED`, leased, so instances share the work) and POSTs them signed per Standard
 * Webhooks; failures retry on EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS, then die. Runs at start, on
 * an interval, right after a change in this process, and after each settled delivery (it may
 * unblock that payment's next event). Each round-trip is spent only where it can find work: a
 * claim after a fan-out that queued deliveries, and no fan-out per change while no endpoint
 * exists (the poll then fans events out, so an endpoint added on another instance gets this
 * one's events from its next poll on).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventDelivery');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private appendedAt = 0;
  /** Set by an append or the poll; a settled delivery only needs a claim, not a fan-out. */
  private fanOutDue = true;
  /** Set by the poll, a settled delivery and deliveries queued directly. */
  private claimDue = true;
  /** As the last fan-out found, or an endpoint added here since. */
  private endpointsExist = true;
  private endpointsNoted = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly repository: EventDeliveriesRepository,
    private readonly endpointsRepository: WebhookEndpointsRepository,
    private readonly endpoints: WebhookEndpointsService,
    private readonly sender: WebhookSender,
    private readonly metrics: EventsMetrics,
    signal: OutboxSignal,
  ) {
    signal.onChange((change) => {
      if (change === 'appended') {
        // Nothing to deliver them to, as of the last fan-out: the poll fans them out.
        if (!this.endpointsExist && this.config.events.workerIntervalMs > 0) return;
        this.appendedAt = Date.now();
        this.fanOutDue = true;
      } else {
        // Both mean an endpoint exists, whatever a fan-out under way finds.
        this.endpointsExist = true;
        this.endpointsNoted++;
        if (change === 'endpoint-added') return;
        this.claimDue = true;
      }
      // After the current tick: the appending transaction is still open now.
      setImmediate(() => this.wake());
    });
  }

  onApplicationBootstrap(): void {
    const interval = this.config.events.workerIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.fanOutDue = true;
        this.claimDue = true;
        this.wake();
      }, interval);
      this.timer.unref();
    }
    // What was left undelivered before a restart goes now, not after the first interval.
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.inFlight);
  }

  wake(): void {
    if (!this.stopped) void this.runOnce();
  }

  /** Fans out and starts everything due; joins a run under way (which then looks once more). */
  runOnce(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      let retry = 0;
      do {
        this.again = false;
        const fanned = this.fanOutDue ? await this.fanOut() : undefined;
        if (this.claimDue || (fanned && fanned.deliveries > 0)) {
          this.claimDue = false;
          await this.startDue();
        }
        if (fanned === undefined || fanned.events > 0) retry = 0;
        else if (
          retry < AFTER_APPEND_RETRIES_MS.length &&
          Date.now() - this.appendedAt < AFTER_APPEND_WINDOW_MS
        ) {
          await new Promise((resolve) => setTimeout(resolve, AFTER_APPEND_RETRIES_MS[retry++]));
          this.fanOutDue = true;
          this.again = true;
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.logger.error(`Delivery run failed: ${(error as Error).message}`);
    }
  }

  private async fanOut(): Promise<FanOut> {
    this.fanOutDue = false;
    const noted = this.endpointsNoted;
    let [events, deliveries] = [0, 0];
    let batch: FanOut;
    do {
      batch = await this.repository.fanOut(FAN_OUT_BATCH);
      events += batch.events;
      deliveries += batch.deliveries;
    } while (batch.events === FAN_OUT_BATCH && !this.stopped);
    if (this.endpointsNoted === noted) this.endpointsExist = batch.endpoints;
    return { events, deliveries, endpoints: batch.endpoints };
  }

  private async startDue(): Promise<void> {
    while (
      !this.stopped &&
      (this.inFlight.size === 0 || CONCURRENCY - this.inFlight.size >= CLAIM_AT_FREE)
    ) {
      const rows = await this.repository.claim(CONCURRENCY - this.inFlight.size, LEASE_MS);
      if (rows.length === 0) return;
      const [events, endpoints] = await Promise.all([
        this.repository.eventsByIds([...new Set(rows.map((row) => row.eventId))]),
        this.endpointsRepository.findByIds([...new Set(rows.map((row) => row.endpointId))]),
      ]);
      const eventById = new Map(events.map((event) => [event.id, event]));
      const endpointById = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
      for (const row of rows) {
        const event = eventById.get(row.eventId);
        const endpoint = endpointById.get(row.endpointId);
        // Deleted since the claim: its deliveries went with it.
        if (!event || !endpoint) continue;
        const attempt = this.deliver(row, event, endpoint)
          .catch((error: Error) => this.logger.error(`Delivery ${row.id}: ${error.message}`))
          .finally(() => {
            this.inFlight.delete(attempt);
            this.claimDue = true;
            this.wake();
          });
        this.inFlight.add(attempt);
      }
    }
  }

  private async deliver(
    row: EventDeliveryRow,
    event: OutboxEventRow,
    endpoint: WebhookEndpointRow,
  ): Promise<void> {
    const body = JSON.stringify(eventBody(event));
    const id = eventIdOf(event.id);
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.sender.post(
      endpoint.url,
      {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(
          this.endpoints.signingSecrets(endpoint),
          id,
          timestamp,
          body,
        ),
      },
      body,
    );
    if (result.ok) return this.delivered(row, endpoint, result);
    return this.failed(row, endpoint, result);
  }

  private async delivered(
    row: EventDeliveryRow,
    endpoint: WebhookEndpointRow,
    result: AttemptResult,
  ): Promise<void> {
    if (!(await this.repository.settle(row, result, { status: 'delivered' }))) return;
    this.metrics.delivered.inc();
    if (row.eventType !== PING) this.metrics.observeLag(row.eventCreatedAt);
    if (endpoint.failingSince) await this.endpointsRepository.markHealthy(endpoint.id);
  }

  private async failed(
    row: EventDeliveryRow,
    endpoint: WebhookEndpointRow,
    result: AttemptResult,
  ): Promise<void> {
    const schedule = this.config.events.retryScheduleSeconds;
    const dead = row.attempts > schedule.length;
    // ±10 % so deliveries that failed together (an endpoint down) do not all return together.
    const delayMs = dead ? 0 : schedule[row.attempts - 1] * 1000 * (0.9 + Math.random() * 0.2);
    const next = dead ? { status: 'dead' as const } : { status: 'pending' as const, delayMs };
    if (!(await this.repository.settle(row, result, next))) return;
    this.metrics.failed.inc();
    const what = `Delivery ${row.id} of ${eventIdOf(row.eventId)} (${row.eventType}) to endpoint ${endpoint.id}, attempt ${row.attempts}: ${result.error}`;
    if (dead) {
      this.metrics.dead.inc();
      this.logger.warn(`${what}; given up`);
    } else {
      this.logger.log(`${what}; retry in ${Math.round(delayMs / 1000)} s`);
    }
    if (
      await this.endpointsRepository.markFailing(endpoint.id, this.config.events.disableAfterMs)
    ) {
      this.metrics.disabled.inc();
      this.logger.warn(
        `Webhook endpoint ${endpoint.id} disabled: every delivery failed for ` +
          `${this.config.events.disableAfterMs / 3_600_000} h (PATCH enabled: true to resume)`,
      );
    }
  }
}
