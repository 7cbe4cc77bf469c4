import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { Principal } from '../auth/principal';
import { RequestValidationError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import {
  SettlementRow,
  Totals,
  chargebackRow,
  csvHeader,
  csvLine,
  jsonLine,
  paymentRow,
  refundRow,
  reimbursedRow,
} from './settlement-rows';
import { SettlementFilter, SettlementsRepository } from './settlements.repository';
import type { SettlementQuery } from './dto/settlement-query';

export type SettlementFormat = 'csv' | 'jsonl';

/** Rows read from the database per query, and written to the reply per chunk. */
const BATCH = 1000;
const DAY_MS = 86_400_000;

/**
 * The settlement export: every money movement of a window (approvals, refunds, chargebacks
 * opened, chargebacks won), one row each, then a total per currency. It streams: a batch is read
 * only when the reply has taken the previous one, so neither a slow client nor a large window
 * grows memory.
 */
@Injectable()
export class SettlementsService {
  private readonly maxDays: number;

  constructor(
    private readonly repository: SettlementsRepository,
    config: AppConfig,
  ) {
    this.maxDays = config.reports.settlementMaxDays;
  }

  /** The window asked for, checked before anything is streamed (a 400 needs a status line). */
  filter(query: SettlementQuery, caller: Pick<Principal, 'credentialIds'>): SettlementFilter {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to.getTime() <= from.getTime()) {
      throw new RequestValidationError([{ field: 'to', messages: ['must be after from'] }]);
    }
    if (to.getTime() - from.getTime() > this.maxDays * DAY_MS) {
      throw new RequestValidationError([
        { field: 'to', messages: [`must be at most ${this.maxDays} days after from`] },
      ]);
    }
    return { from, to, credentialId: query.credential_id, credentialIds: caller.credentialIds };
  }

  stream(filter: SettlementFilter, format: SettlementFormat): Readable {
    const line = format === 'csv' ? csvLine : jsonLine;
    // highWaterMark 1: at most one batch waits in the stream beside the one being written.
    return Readable.from(this.chunks(filter, format, line), { highWaterMark: 1 });
  }

  private async *chunks(
    filter: SettlementFilter,
    format: SettlementFormat,
    line: (row: SettlementRow) => string,
  ): AsyncGenerator<string> {
    if (format === 'csv') yield csvHeader();
    const totals = new Totals();
    const write = (row: SettlementRow) => {
      totals.add(row);
      return line(row);
    };
    const lines = async function* <T>(
      batches: AsyncIterable<T[]>,
      row: (item: T) => SettlementRow,
    ): AsyncGenerator<string> {
      for await (const batch of batches) yield batch.map((item) => write(row(item))).join('');
    };
    yield* lines(this.repository.approvedPayments(filter, BATCH), paymentRow);
    yield* lines(this.repository.approvedRefunds(filter, BATCH), refundRow);
    yield* lines(this.repository.openedDisputes(filter, BATCH), chargebackRow);
    yield* lines(this.repository.wonDisputes(filter, BATCH), reimbursedRow);
    yield totals
      .rows(filter.to)
      .map((row) => line(row))
      .join('');
  }
}
