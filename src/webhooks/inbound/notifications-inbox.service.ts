import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../../credentials/credentials.service';
import { AppConfig } from '../../config/app-config';
import { FailureLimiter } from './failure-limiter';
import { WebhookRateLimitedError, WebhookSignatureInvalidError } from './notifications.errors';
import { NotificationsMetrics, ReceiveResult } from './notifications.metrics';
import { NotificationsRepository, ReceivedNotification } from './notifications.repository';
import { NotificationsWorker } from './notifications.worker';
import { verifySignature } from './signature';

/** Signature failures a sender may make per credentials before it is told to back off. */
const FAILURE_BURST = 30;
const FAILURES_FORGIVEN_PER_SECOND = 0.5;
const MAX_VALUE_LENGTH = 128;
/** Payment ids are 64-bit numbers; anything else under topic payment is not one we can read. */
const PAYMENT_ID = /^\d{1,19}$/;
/** Chargeback ids are strings of digits (longer than a JS number holds); letters are tolerated. */
const CHARGEBACK_ID = /^[0-9A-Za-z_-]{1,64}$/;
/**
 * The topics the worker reads, each with the ids it can read. Chargebacks arrive as
 * `type=chargebacks` (the topic's name) or `topic_chargebacks_wh` (the body's `type` in Mercado
 * Pago's example); both are stored as `chargebacks`.
 */
const PROCESSED_TOPICS: Record<string, { topic: string; id: RegExp }> = {
  payment: { topic: 'payment', id: PAYMENT_ID },
  chargebacks: { topic: 'chargebacks', id: CHARGEBACK_ID },
  topic_chargebacks_wh: { topic: 'chargebacks', id: CHARGEBACK_ID },
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IncomingNotification {
  credentialId: string;
  query: Record<string, unknown>;
  signature: string | undefined;
  requestId: string | undefined;
  body: unknown;
  /** The sender's address (X-Forwarded-For only under TRUST_PROXY), half the failure-limit key. */
  source: string;
}

export type Acknowledgement = { status: 'accepted' | 'ignored' };

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
    if (query['data.id'] === undefined && query.topic !== undefined)
      return this.receiveIpn(incoming);

    const dataId = single(query['data.id']);
    const type = single(query.type);
    if (dataId === null || type === null) return this.reject(incoming, 'malformed_request');
    // The check is in memory (an HMAC of a short manifest) and runs before any limit, so a valid
    // signature is never turned away, whoever else fails from the same address.
    const secrets = await this.credentials.webhookSecrets(incoming.credentialId);
    if (!secrets) return this.reject(incoming, 'unknown_credentials');
    const result = verifySignature(
      { signature: incoming.signature, requestId: incoming.requestId, dataId },
      secrets,
      this.config.webhooks.timestampToleranceSeconds,
    );
    if (!result.valid) return this.reject(incoming, result.reason, true);

    const processed = type ? PROCESSED_TOPICS[type] : undefined;
    const notification: ReceivedNotification = {
      credentialId: incoming.credentialId,
      topic: processed?.topic ?? type ?? 'unknown',
      resourceId: dataId ?? null,
      action: bodyAction(incoming.body),
      signature: result.secretIndex === 0 ? 'current' : 'previous',
      requestId: single(incoming.requestId) ?? null,
    };
    if (!processed || !processed.id.test(dataId ?? '')) {
      await this.repository.storeIgnored(notification);
      this.metrics.countReceived('webhook', 'ignored');
      return { status: 'ignored' };
    }
    const started = performance.now();
    const { folded } = await this.repository.receive(notification);
    this.worker.stored(performance.now() - started);
    this.metrics.countReceived('webhook', folded ? 'folded' : 'stored');
    this.worker.wake();
    return { status: 'accepted' };
  }

  /**
   * IPN cannot be signed, so it never creates a row (nor costs a read of an id someone made up):
   * when accepted at all, it only joins a notification a signed webhook already opened for that
   * payment, which then reads it once more if it was being processed.
   */
  private async receiveIpn({
    credentialId,
    query,
  }: IncomingNotification): Promise<Acknowledgement> {
    if (!this.config.webhooks.acceptIpn) {
      this.metrics.countReceived('ipn', 'ipn_disabled');
      return { status: 'ignored' };
    }
    const id = single(query.id);
    const joined =
      single(query.topic) === 'payment' &&
      UUID.test(credentialId) &&
      PAYMENT_ID.test(id ?? '') &&
      (await this.repository.foldIpn(credentialId, id!));
    this.metrics.countReceived('ipn', joined ? 'folded' : 'ignored');
    return { status: joined ? 'accepted' : 'ignored' };
  }

  /**
   * Counts the failure against these credentials from this sender only (unknown credentials
   * share one key per sender), so one sender's failures never limit another's, nor a valid one.
   */
  private reject(incoming: IncomingNotification, reason: ReceiveResult, known = false): never {
    const key = `${known ? incoming.credentialId : '?'} ${incoming.source}`;
    const retryAfter = this.limiter.recordFailure(key);
    this.metrics.countReceived('webhook', retryAfter > 0 ? 'rate_limited' : reason);
    throw retryAfter > 0
      ? new WebhookRateLimitedError(retryAfter)
      : new WebhookSignatureInvalidError();
  }
}
