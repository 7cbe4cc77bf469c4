import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { SweepOutcome, SweepRepository } from './sweep.repository';

/** What a sweep did with one search result. */
export type SweptResult = 'unchanged' | 'updated' | 'adopted' | 'recorded' | 'unreadable';

/** The sweep's runs, the payments it looked at by what it did with them, and its lag. */
@Injectable()
export class SweepMetrics {
  private readonly runs: Counter<'outcome'>;
  private readonly payments: Counter<'result'>;

  constructor(metrics: MetricsService, sweeps: SweepRepository) {
    const registers = [metrics.registry];
    this.runs = new Counter({
      name: 'payment_sweep_runs_total',
      help: "Sweeps of one credentials' payments: completed, partial (page limit reached) or failed",
      labelNames: ['outcome'] as const,
      registers,
    });
    this.payments = new Counter({
      name: 'payment_sweep_payments_total',
      help: 'Payments the sweep looked at, by what it did: unchanged, updated, adopted (ours, answer lost), recorded (never seen) or unreadable',
      labelNames: ['result'] as const,
      registers,
    });
    // Read at scrape time from the database, so every instance reports the same, current lag.
    new Gauge({
      name: 'payment_sweep_lag_seconds',
      help: "Seconds since the sweep last read every change of the credentials' payments",
      labelNames: ['credential_id'] as const,
      registers,
      async collect() {
        this.reset();
        // A scrape while the database is away shows no lag rather than failing every metric.
        const lags = await sweeps.lags().catch(() => []);
        for (const { credentialId, seconds } of lags) {
          this.set({ credential_id: credentialId }, seconds);
        }
      },
    });
  }

  run(outcome: SweepOutcome): void {
    this.runs.inc({ outcome });
  }

  payment(result: SweptResult): void {
    this.payments.inc({ result });
  }
}
