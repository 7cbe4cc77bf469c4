import { Injectable } from '@nestjs/common';

/**
 * Tells the delivery worker of this process that a change appended events, so it fans them out
 * at once instead of at its next poll. In-process only: other instances find them by polling.
 */
@Injectable()
export class OutboxSignal {
  private readonly listeners: (() => void)[] = [];

  onAppend(listener: () => void): void {
    this.listeners.push(listener);
  }

  appended(): void {
    for (const listener of this.listeners) listener();
  }
}
