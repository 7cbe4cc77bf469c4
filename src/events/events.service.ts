import { Injectable } from '@nestjs/common';
import { Keyset } from '../database/keyset';
import { EventDeliveriesRepository, EventFilters } from './event-deliveries.repository';
import { EventNotFoundError } from './events.errors';
import type { OutboxEventRow } from './outbox.schema';
import { OutboxSignal } from './outbox-signal';
import { uuidOfEventId } from './standard-webhooks';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import type { EventDeliveryRow } from './webhook-endpoints.schema';

/** What was announced, what became of each delivery, and replays. */
@Injectable()
export class EventsService {
  constructor(
    private readonly repository: EventDeliveriesRepository,
    private readonly endpoints: WebhookEndpointsService,
    private readonly signal: OutboxSignal,
  ) {}

  listEvents(
    filters: EventFilters,
    afterSeq: number | undefined,
    limit: number,
  ): Promise<OutboxEventRow[]> {
    return this.repository.listEvents(filters, afterSeq, limit);
  }

  async deliveries(
    endpointId: string,
    cursor: Keyset | undefined,
    limit: number,
  ): Promise<EventDeliveryRow[]> {
    await this.endpoints.get(endpointId);
    return this.repository.listForEndpoint(endpointId, cursor, limit);
  }

  /**
   * Sends the event again, same id (subscribers de-duplicate on it), to one endpoint or to every
   * endpoint it went to. Queued behind that payment's undelivered events, in seq order.
   */
  async redeliver(
    eventId: string,
    endpointId?: string,
  ): Promise<{ event: OutboxEventRow; endpointIds: string[] }> {
    const uuid = uuidOfEventId(eventId);
    const event = uuid ? await this.repository.findEvent(uuid) : undefined;
    if (!event) throw new EventNotFoundError(eventId);
    if (endpointId) await this.endpoints.get(endpointId);
    const endpointIds = await this.repository.requeue(event, endpointId);
    this.signal.notify('queued');
    return { event, endpointIds };
  }
}
