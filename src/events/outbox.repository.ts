import { Injectable } from '@nestjs/common';
import { Executor } from '../database/database';
import { outboxEvents } from './outbox.schema';

export interface NewEvent {
  type: string;
  subjectId: string;
  payload: Record<string, unknown>;
}

@Injectable()
export class OutboxRepository {
  /** Call with the transaction that makes the change the events announce. */
  async append(tx: Executor, events: NewEvent[]): Promise<void> {
    if (events.length > 0) await tx.insert(outboxEvents).values(events);
  }
}
