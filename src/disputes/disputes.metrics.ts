import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { DisputesRepository } from './disputes.repository';
import { DISPUTE_STATUSES } from './disputes.schema';

/** Disputes opened, and how many we hold in each status, on the app's registry. */
@Injectable()
export class DisputesMetrics {
  private readonly opened: Counter;

  constructor(metrics: MetricsService, repository: DisputesRepository) {
    const registers = [metrics.registry];
    this.opened = new Counter({
      name: 'disputes_opened_total',
      help: 'Chargebacks first recorded as disputes by this instance',
      registers,
    });
    new Gauge({
      name: 'disputes',
      help: 'Disputes held, by status',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const counts = new Map((await repository.countByStatus()).map((r) => [r.status, r.count]));
        for (const status of DISPUTE_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
  }

  countOpened(): void {
    this.opened.inc();
  }
}
