import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

/** Deliveries to internal subscribers: delivered, failed attempts, dead, lag, endpoints disabled. */
@Injectable()
export class EventsMetrics {
  readonly delivered: Counter;
  readonly failed: Counter;
  readonly dead: Counter;
  readonly disabled: Counter;
  private readonly lag: Histogram;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.delivered = new Counter({
      name: 'event_deliveries_delivered_total',
      help: 'Event deliveries answered 2xx by the subscriber',
      registers,
    });
    this.failed = new Counter({
      name: 'event_delivery_attempts_failed_total',
      help: 'Delivery attempts that failed (no answer, or not 2xx)',
      registers,
    });
    this.dead = new Counter({
      name: 'event_deliveries_dead_total',
      help: 'Deliveries given up after the last retry (EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS)',
      registers,
    });
    this.disabled = new Counter({
      name: 'webhook_endpoints_disabled_total',
      help: 'Endpoints turned off after failing for EVENT_ENDPOINT_DISABLE_AFTER_HOURS',
      registers,
    });
    this.lag = new Histogram({
      name: 'event_delivery_lag_seconds',
      help: 'From the payment change to its event delivered',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600, 86_400],
      registers,
    });
  }

  observeLag(eventCreatedAt: Date): void {
    this.lag.observe(Math.max(0, Date.now() - eventCreatedAt.getTime()) / 1000);
  }
}
