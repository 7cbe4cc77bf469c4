import { Injectable } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { Executor } from '../database/database';
import { param } from '../database/statement';
import { OutboxSignal } from './outbox-signal';
import { outboxEvents } from './outbox.schema';

export interface NewEvent {
  type: string;
  subjectId: string;
  payload: Record<string, unknown>;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly signal: OutboxSignal) {}

  /** Call with the transaction that makes the change the events announce. */
  async append(tx: Executor, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.insert(outboxEvents).values(events);
    this.signal.notify('appended');
  }

  /**
   * `append` as part of a statement that makes the change: the events (`types` in order, one
   * subject and payload) inserted only when `condition` holds. Values: `event_types`,
   * `event_subject`, `event_payload` (see `appendValues`).
   */
  static appendIf(condition: SQL): SQL {
    return sql`INSERT INTO ${outboxEvents} (type, subject_id, payload)
      SELECT t.type, ${param('event_subject')}::uuid, ${param('event_payload')}::jsonb
      FROM unnest(${param('event_types')}::text[]) WITH ORDINALITY AS t(type, n)
      WHERE ${condition} ORDER BY t.n`;
  }

  /** Events were appended by a statement of their own (`appendIf`), now committed. */
  appendedElsewhere(): void {
    this.signal.notify('appended');
  }

  static appendValues(events: NewEvent[]): Record<string, unknown> {
    const [first] = events;
    if (events.some((e) => e.subjectId !== first.subjectId || e.payload !== first.payload)) {
      throw new Error('events appended in one statement share their subject and payload');
    }
    return {
      event_types: events.map((e) => e.type),
      event_subject: first.subjectId,
      event_payload: JSON.stringify(first.payload),
    };
  }
}
