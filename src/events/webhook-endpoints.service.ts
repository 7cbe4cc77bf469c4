import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Secret } from '../common/secret';
import { AppConfig } from '../config/app-config';
import { SecretBox } from '../credentials/secret-box';
import { EventDeliveriesRepository } from './event-deliveries.repository';
import { WebhookEndpointNotFoundError, httpRefused } from './events.errors';
import type { OutboxEventRow } from './outbox.schema';
import { OutboxSignal } from './outbox-signal';
import { SealedSecret, openEndpointSecret, sealEndpointSecret } from './endpoint-secrets';
import { newSigningSecret } from './standard-webhooks';
import { EndpointChanges, WebhookEndpointsRepository } from './webhook-endpoints.repository';
import type { WebhookEndpointRow } from './webhook-endpoints.schema';

export interface EndpointInput {
  url: string;
  eventTypes?: string[];
  description?: string;
}

/** A new or rotated endpoint with its secret, which no later answer shows. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointRow;
  secret: Secret;
}

/** Subscribers: the URL policy, secrets (sealed at rest, shown once), rotation, the test ping. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: WebhookEndpointsRepository,
    private readonly deliveries: EventDeliveriesRepository,
    private readonly box: SecretBox,
    private readonly signal: OutboxSignal,
  ) {}

  async create(input: EndpointInput): Promise<EndpointWithSecret> {
    this.checkUrl(input.url);
    const secret = newSigningSecret();
    const id = randomUUID();
    const endpoint = await this.repository.insert({
      id,
      url: input.url,
      eventTypes: input.eventTypes ?? null,
      description: input.description ?? null,
      secret: this.seal(id, secret),
    });
    this.signal.notify('endpoint-added');
    return { endpoint, secret };
  }

  list(): Promise<WebhookEndpointRow[]> {
    return this.repository.list();
  }

  async get(id: string): Promise<WebhookEndpointRow> {
    return this.found(id, await this.repository.findById(id));
  }

  async update(id: string, changes: EndpointChanges): Promise<WebhookEndpointRow> {
    if (changes.url !== undefined) this.checkUrl(changes.url);
    return this.found(id, await this.repository.update(id, changes));
  }

  /** Its deliveries go with it, pending ones included. */
  async remove(id: string): Promise<WebhookEndpointRow> {
    return this.found(id, await this.repository.delete(id));
  }

  async rotateSecret(id: string): Promise<EndpointWithSecret> {
    const secret = newSigningSecret();
    const until = new Date(Date.now() + this.config.events.rotationOverlapMs);
    const endpoint = this.found(id, await this.repository.rotate(id, this.seal(id, secret), until));
    return { endpoint, secret };
  }

  async ping(id: string): Promise<OutboxEventRow> {
    await this.get(id);
    const event = await this.deliveries.queuePing(id, { endpoint_id: id });
    this.signal.notify('queued');
    return event;
  }

  /** The secrets that sign a delivery now: the current one, and the previous during its overlap. */
  signingSecrets(endpoint: WebhookEndpointRow, now = new Date()): Secret[] {
    const secrets = [this.open(endpoint.id, endpoint.secretSealed, endpoint.secretKeyId)];
    if (
      endpoint.previousSecretSealed &&
      endpoint.previousSecretKeyId &&
      endpoint.previousSecretExpiresAt &&
      endpoint.previousSecretExpiresAt > now
    ) {
      secrets.push(
        this.open(endpoint.id, endpoint.previousSecretSealed, endpoint.previousSecretKeyId),
      );
    }
    return secrets;
  }

  private checkUrl(url: string): void {
    if (!this.config.events.allowHttp && new URL(url).protocol !== 'https:') throw httpRefused();
  }

  private seal(id: string, secret: Secret): SealedSecret {
    return sealEndpointSecret(this.box, id, secret);
  }

  private open(id: string, sealed: string, keyId: string): Secret {
    return openEndpointSecret(this.box, id, { sealed, keyId });
  }

  private found(id: string, row: WebhookEndpointRow | undefined): WebhookEndpointRow {
    if (!row) throw new WebhookEndpointNotFoundError(id);
    return row;
  }
}
