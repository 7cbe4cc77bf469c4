import { Injectable } from '@nestjs/common';

/** What a change made in this process means for its delivery worker. */
export type OutboxChange =
  /** Events were appended to the outbox: fan them out. */
  | 'appended'
  /** Deliveries were queued directly (a ping, a redelivery): claim them. */
  | 'queued'
  /** An endpoint was added: events appended from now on have somewhere to go. */
  | 'endpoint-added';

/**
 * Tells the delivery worker of this process of a change, so it acts at once instead of at its
 * next poll. In-process only: other instances find the change by polling.
 */
@Injectable()
export class OutboxSignal {
  private readonly listeners: ((change: OutboxChange) => void)[] = [];

  onChange(listener: (change: OutboxChange) => void): void {
    this.listeners.push(listener);
  }

  notify(change: OutboxChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
