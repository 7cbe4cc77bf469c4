import { Injectable } from '@nestjs/common';
import { asc, eq, sql } from 'drizzle-orm';
import { Executor } from '../database/database';
import { OutboxEventRow, outboxEvents } from './outbox.schema';

export interface NewEvent {
  type: string;
  subjectId: string;
  payload: Record<string, unknown>;
}

@Injectable()
export class OutboxRepository {
  /** Call with the transaction that makes the change the events announce. */
  async append(tx: Executor, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    // clock_timestamp(), unlike now(), moves within a transaction: events keep their order.
    await tx
      .insert(outboxEvents)
      .values(events.map((event) => ({ ...event, createdAt: sql`clock_timestamp()` })));
  }

  forSubject(executor: Executor, subjectId: string): Promise<OutboxEventRow[]> {
    return executor
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.subjectId, subjectId))
      .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id));
  }
}
