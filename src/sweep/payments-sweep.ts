import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/app-config';
import { CredentialsService } from '../credentials/credentials.service';
import { PaymentGateway, SearchedPayment } from '../payments/payment-gateway.port';
import { PaymentWriter } from '../payments/payment-writer';
import { PaymentSweepRow } from './sweep.schema';
import { SweepMetrics, SweptResult } from './sweep.metrics';
import { HeldPayment, SweepCursor, SweepOutcome, SweepRepository } from './sweep.repository';

/** Mercado Pago's SDK pages its own searchAll by 100. */
const PAGE = 100;
/**
 * Each run starts this far before its cursor: a change Mercado Pago dated a little before the
 * last one we applied may reach its search later. Re-reading it costs one skip.
 */
const OVERLAP_MS = 2 * 60_000;
/** Renewed with every page; outlives any single page of calls, so a live run keeps it. */
const LEASE_SECONDS = 600;

/** What one run of the sweep did, summed over the credentials it swept. */
export interface SweepReport {
  credentials: number;
  searches: number;
  results: Record<SweptResult, number>;
}

const emptyReport = (): SweepReport => ({
  credentials: 0,
  searches: 0,
  results: { unchanged: 0, updated: 0, adopted: 0, recorded: 0, unreadable: 0 },
});

/**
 * Searches each credentials' payments at Mercado Pago by date_last_updated, from a cursor kept
 * in the database, and applies every result through PaymentWriter.record: our own payment whose
 * answer was lost is adopted by the reference in its metadata, one never seen is recorded, a
 * change whose notification was lost is applied. One instance sweeps given credentials at a time
 * (a lease on their row); SWEEP_MAX_PAGES_PER_RUN bounds each run.
 */
@Injectable()
export class PaymentsSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sweep');
  /** This instance, as the holder of a lease. */
  private readonly owner = randomUUID();
  private readonly job = new PeriodicJob(() => this.sweepDue());

  constructor(
    private readonly sweeps: SweepRepository,
    private readonly credentials: CredentialsService,
    private readonly gateway: PaymentGateway,
    private readonly writer: PaymentWriter,
    private readonly metrics: SweepMetrics,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start(this.config.sweep.intervalSeconds);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  /** Sweeps every credentials that is due and not leased elsewhere. Overlapping calls share one. */
  runOnce(): Promise<SweepReport> {
    return this.job.run();
  }

  private async sweepDue(): Promise<SweepReport> {
    const report = emptyReport();
    if (this.config.sweep.intervalSeconds === 0) return report;
    try {
      await this.sweeps.addNewCredentials();
      // Each credentials once per run, even if due again by the time it ends.
      const done: string[] = [];
      for (;;) {
        const claimed = await this.sweeps.claim(
          this.owner,
          this.config.sweep.intervalSeconds,
          LEASE_SECONDS,
          done,
        );
        if (!claimed) break;
        done.push(claimed.credentialId);
        report.credentials += 1;
        await this.sweepOne(claimed, report);
      }
    } catch (error) {
      this.logger.error(`Sweep failed: ${(error as Error).message}`);
    }
    return report;
  }

  /**
   * Pages through the credentials' changes, oldest first, up to now. Progress is stored after
   * each page; a failure (Mercado Pago unavailable, a 401) ends the run where the last stored
   * page left it, so the next run reads the failed page again.
   */
  private async sweepOne(row: PaymentSweepRow, report: SweepReport): Promise<void> {
    const { credentialId } = row;
    const runEnd = new Date();
    const cursor: SweepCursor = { at: row.cursorAt, ids: [...row.cursorIds] };
    const stored = row.cursorAt;
    let from = stored
      ? new Date(stored.getTime() - OVERLAP_MS)
      : new Date(runEnd.getTime() - this.config.sweep.firstLookbackHours * 3_600_000);
    let offset = 0;
    // The overlap is re-read once, as one page at most, beyond the bound: however many changes
    // it holds, every run gets past the cursor.
    const pages = this.config.sweep.maxPagesPerRun + (stored ? 1 : 0);
    let outcome: SweepOutcome = 'partial';
    let error: string | null = null;
    try {
      const { accessToken } = await this.credentials.resolve(credentialId);
      for (let page = 0; page < pages; page += 1) {
        const results = await this.gateway.searchUpdated(accessToken, {
          updatedFrom: from,
          updatedTo: runEnd,
          offset,
          limit: PAGE,
        });
        report.searches += 1;
        await this.applyPage(credentialId, cursor, results, report);
        if (!(await this.sweeps.advance(credentialId, this.owner, cursor, LEASE_SECONDS))) {
          throw new Error('its lease ran out: another instance sweeps these credentials now');
        }
        if (results.length < PAGE) {
          outcome = 'completed';
          break;
        }
        ({ from, offset } = nextPage(from, offset, results, stored, row.cursorIds.length));
      }
    } catch (failure) {
      outcome = 'failed';
      error = (failure as Error).message;
      this.logger.warn(`Sweep of credentials ${credentialId} stopped: ${error}`);
    }
    this.metrics.run(outcome);
    await this.sweeps.finish(
      credentialId,
      this.owner,
      outcome,
      outcome === 'completed' ? runEnd : undefined,
      error,
    );
  }

  private async applyPage(
    credentialId: string,
    cursor: SweepCursor,
    results: SearchedPayment[],
    report: SweepReport,
  ): Promise<void> {
    const held = await this.sweeps.held(results.map((r) => r.mercadopagoId));
    for (const result of results) {
      const swept = await this.apply(credentialId, cursor, result, held.get(result.mercadopagoId));
      report.results[swept] += 1;
      this.metrics.payment(swept);
      moveCursor(cursor, result);
    }
  }

  private async apply(
    credentialId: string,
    cursor: SweepCursor,
    result: SearchedPayment,
    held: HeldPayment | undefined,
  ): Promise<SweptResult> {
    const { payment } = result;
    // Passed by rather than retried forever: the cursor moves on, so one payment we cannot read
    // never holds back every later change. A payment we hold is re-read by the reconciler.
    if (!payment) {
      this.logger.warn(
        `Sweep passed by Mercado Pago payment ${result.mercadopagoId}: ${result.unreadable}`,
      );
      return 'unreadable';
    }
    const applied =
      cursor.at?.getTime() === result.dateLastUpdated.getTime() &&
      cursor.ids.includes(result.mercadopagoId);
    const incoming = { ...payment, gatewayUpdatedAt: payment.dateLastUpdated };
    if (applied || (held && unchanged(held, incoming))) return 'unchanged';
    const row = await this.writer.record(credentialId, payment);
    // The writer applies only what is newer than what it holds.
    if (held) return unchanged(held, row) ? 'unchanged' : 'updated';
    return row.createdBy === 'mercadopago' ? 'recorded' : 'adopted';
  }
}

/** Nothing Mercado Pago changed since we last applied it. */
function unchanged(held: HeldPayment, now: Omit<HeldPayment, 'mercadopagoId'>): boolean {
  return (
    held.gatewayUpdatedAt?.getTime() === now.gatewayUpdatedAt?.getTime() &&
    held.status === now.status &&
    held.amountRefunded === now.amountRefunded
  );
}

/**
 * Where the next page starts: at the last instant read, past the results already read at it,
 * rather than at a growing offset, so a payment changed meanwhile (it leaves the window) shifts
 * nothing still to come. A full page of the overlap jumps to the stored cursor, past its ids.
 */
function nextPage(
  from: Date,
  offset: number,
  results: SearchedPayment[],
  stored: Date | null,
  storedIds: number,
): { from: Date; offset: number } {
  const last = results[results.length - 1].dateLastUpdated;
  if (stored && last < stored) return { from: stored, offset: storedIds };
  const atLast = results.filter((r) => r.dateLastUpdated.getTime() === last.getTime()).length;
  return { from: last, offset: last.getTime() === from.getTime() ? offset + atLast : atLast };
}

/** The cursor is the latest date_last_updated read, with every id read at that instant. */
function moveCursor(cursor: SweepCursor, result: SearchedPayment): void {
  const at = result.dateLastUpdated;
  if (!cursor.at || at > cursor.at) {
    cursor.at = at;
    cursor.ids = [result.mercadopagoId];
  } else if (at.getTime() === cursor.at.getTime() && !cursor.ids.includes(result.mercadopagoId)) {
    cursor.ids.push(result.mercadopagoId);
  }
}
