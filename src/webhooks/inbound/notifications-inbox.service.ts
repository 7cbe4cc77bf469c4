import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../../credentials/credentials.service';
import { AppConfig } from '../../config/app-config';
import { FailureLimiter } from './failure-limiter';
import { WebhookRateLimitedError, WebhookSignatureInvalidError } from './notifications.errors';
import { NotificationsMetrics, ReceiveResult } from './notifications.metrics';
import { Channel, NotificationsRepository, ReceivedNotification } from './notifications.repository';
import { NotificationsWorker } from './notifications.worker';
import { verifySignature } from './signature';

/** Signature failures a source may make before it is turned away, and how fast that heals. */
const FAILURE_BURST = 30;
const FAILURES_FORGIVEN_PER_SECOND = 0.5;
const MAX_VALUE_LENGTH = 128;
/** Payment ids are 64-bit numbers; anything else under topic payment is not one we can read. */
const PAYMENT_ID = /^\d{1,19}$/;

export interface IncomingNotification {
  credentialId: string;
  query: Record<string, unknown>;
  signature: string | undefined;
  requestId: string | undefined;
  body: unknown;
  /** The sender's address, the key of the failure rate limit. */
  source: string;
}

export type Acknowledgement = { status: 'accepted' | 'ignored' };

type Parsed = { topic: string; resourceId: string | null; action: string | null };

/** A string value of at most MAX_VALUE_LENGTH, undefined when absent, null when unusable. */
function single(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_VALUE_LENGTH
    ? value
    : null;
}

function bodyAction(body: unknown): string | null {
  const action = (body as { action?: unknown } | null | undefined)?.action;
  return typeof action === 'string' && action.length <= 64 ? action : null;
}

/**
 * Receives Mercado Pago's notifications: verify, store, acknowledge. Never calls Mercado Pago
 * (it waits only 22 s and the read may be slow): the worker does, after the 200.
 */
@Injectable()
export class NotificationsInboxService {
  private readonly limiter = new FailureLimiter(FAILURE_BURST, FAILURES_FORGIVEN_PER_SECOND);

  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
    private readonly repository: NotificationsRepository,
    private readonly worker: NotificationsWorker,
    private readonly metrics: NotificationsMetrics,
  ) {}

  async receive(incoming: IncomingNotification): Promise<Acknowledgement> {
    const { query } = incoming;
    // Mercado Pago's own rule: topic/id without data.id is the legacy IPN form.
    const channel: Channel =
      query['data.id'] === undefined && query.topic !== undefined ? 'ipn' : 'webhook';
    if (channel === 'ipn' && !this.config.webhooks.acceptIpn) {
      this.metrics.countReceived(channel, 'ipn_disabled');
      return { status: 'ignored' };
    }
    const retryAfter = this.limiter.retryAfter(incoming.source);
    if (retryAfter > 0) {
      this.metrics.countReceived(channel, 'rate_limited');
      throw new WebhookRateLimitedError(retryAfter);
    }

    const parsed = channel === 'ipn' ? this.parseIpn(query) : this.parseWebhook(incoming);
    if (!parsed) return this.reject(incoming, channel, 'malformed_request');
    const secrets = await this.credentials.webhookSecrets(incoming.credentialId);
    if (!secrets) return this.reject(incoming, channel, 'unknown_credentials');

    // IPN cannot be signed: it is only a hint, since all it causes is a read from Mercado Pago.
    let signature: string | null = null;
    if (channel === 'webhook') {
      const result = verifySignature(
        {
          signature: incoming.signature,
          requestId: incoming.requestId,
          dataId: parsed.resourceId ?? undefined,
        },
        secrets,
        this.config.webhooks.timestampToleranceSeconds,
      );
      if (!result.valid) return this.reject(incoming, channel, result.reason);
      signature = result.secretIndex === 0 ? 'current' : 'previous';
    }

    const notification: ReceivedNotification = {
      credentialId: incoming.credentialId,
      ...parsed,
      channel,
      signature,
      requestId: single(incoming.requestId) ?? null,
    };
    if (parsed.topic !== 'payment' || !PAYMENT_ID.test(parsed.resourceId ?? '')) {
      await this.repository.storeIgnored(notification);
      this.metrics.countReceived(channel, 'ignored');
      return { status: 'ignored' };
    }
    const { folded } = await this.repository.receive(notification);
    this.metrics.countReceived(channel, folded ? 'folded' : 'stored');
    this.worker.wake();
    return { status: 'accepted' };
  }

  private parseWebhook({ query, body }: IncomingNotification): Parsed | undefined {
    const dataId = single(query['data.id']);
    const type = single(query.type);
    if (dataId === null || type === null) return undefined;
    return { topic: type ?? 'unknown', resourceId: dataId ?? null, action: bodyAction(body) };
  }

  private parseIpn(query: Record<string, unknown>): Parsed | undefined {
    const topic = single(query.topic);
    const id = single(query.id);
    if (!topic || !id) return undefined;
    return { topic, resourceId: id, action: null };
  }

  private reject(incoming: IncomingNotification, channel: Channel, reason: ReceiveResult): never {
    this.limiter.recordFailure(incoming.source);
    this.metrics.countReceived(channel, reason);
    throw new WebhookSignatureInvalidError();
  }
}
