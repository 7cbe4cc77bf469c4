import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service';
import { NotificationsRepository } from './notifications.repository';

export type ReceiveResult =
  | 'stored'
  | 'folded'
  | 'ignored'
  | 'ipn_disabled'
  | 'rate_limited'
  | 'unknown_credentials'
  | 'malformed_request'
  | 'missing_signature'
  | 'malformed_signature'
  | 'mismatch'
  | 'timestamp_out_of_tolerance';

/** Notifications received by result, processing lag and dead rows, on the app's registry. */
@Injectable()
export class NotificationsMetrics {
  private readonly received: Counter<'channel' | 'result'>;
  private readonly lag: Histogram;
  private readonly readsSkipped: Counter;
  private readonly pauses: Counter;

  constructor(metrics: MetricsService, repository: NotificationsRepository) {
    const registers = [metrics.registry];
    this.received = new Counter({
      name: 'mercadopago_notifications_received_total',
      help: 'Mercado Pago notifications received, by channel (webhook, ipn) and result',
      labelNames: ['channel', 'result'] as const,
      registers,
    });
    this.lag = new Histogram({
      name: 'mercadopago_notification_processing_lag_seconds',
      help: 'From the first receipt of a notification to its payment applied',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.readsSkipped = new Counter({
      name: 'mercadopago_notification_reads_skipped_total',
      help: 'payment.created notifications settled from the payment we hold, without a re-read',
      registers,
    });
    this.pauses = new Counter({
      name: 'mercadopago_notification_worker_pauses_total',
      help: 'Pauses of the inbox worker while acknowledgements were answered late (event-loop delay or store time of 20 ms or more, or of 5 ms in a flood of 200 or more per second)',
      registers,
    });
    new Gauge({
      name: 'mercadopago_notifications_dead',
      help: 'Notifications given up after the last attempt (see GET /v1/notifications?status=dead)',
      registers,
      async collect() {
        this.set(await repository.countDead());
      },
    });
  }

  countReceived(channel: 'webhook' | 'ipn', result: ReceiveResult): void {
    this.received.inc({ channel, result });
  }

  countReadSkipped(): void {
    this.readsSkipped.inc();
  }

  countPause(): void {
    this.pauses.inc();
  }

  observeLag(receivedAt: Date): void {
    this.lag.observe(Math.max(0, Date.now() - receivedAt.getTime()) / 1000);
  }
}
