import { Injectable } from '@nestjs/common';
import { Principal, mayUseCredentials } from '../../auth/principal';
import { Keyset } from '../../database/keyset';
import { NotificationNotFoundError, NotificationRetryConflictError } from './notifications.errors';
import { NotificationFilters, NotificationsRepository } from './notifications.repository';
import type { NotificationRow } from './notifications.schema';

/** Operators' view of the inbox, and their one action on it: process a notification again. */
@Injectable()
export class NotificationsService {
  constructor(private readonly repository: NotificationsRepository) {}

  list(
    filters: NotificationFilters,
    cursor: Keyset | undefined,
    limit: number,
  ): Promise<NotificationRow[]> {
    return this.repository.list(filters, cursor, limit);
  }

  async retry(id: string, caller: Pick<Principal, 'credentialIds'>): Promise<NotificationRow> {
    if (caller.credentialIds) {
      // A caller limited to other credentials is told it does not exist.
      const row = await this.repository.findById(id);
      if (!row || !mayUseCredentials(caller, row.credentialId)) {
        throw new NotificationNotFoundError(id);
      }
    }
    const outcome = await this.repository.retry(id);
    switch (outcome.kind) {
      case 'queued':
        return outcome.row;
      case 'missing':
        throw new NotificationNotFoundError(id);
      case 'invalid_state':
        throw NotificationRetryConflictError.invalidState(outcome.status);
      case 'already_queued':
        throw NotificationRetryConflictError.alreadyQueued();
    }
  }
}
