import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Json } from '../common/body.util';
import type { EmulatorOptions } from '../emulator.config';
import type { FaultRegistry } from '../faults/faults.state';
import type { ChargebackEvents } from '../services/chargebacks.service';
import type { PaymentAction, PaymentEvents } from '../services/payments.service';
import type { AccountRegistry } from '../state/accounts.state';
import { RingLog } from '../state/ring-log.state';
import type { ChargebackRecord, PaymentRecord } from '../state/store.state';
import type { Timers } from '../state/timers.state';
import type { IdSequence } from '../common/ids.util';
import { signatureHeader } from './notification.signature';
import { retryOffsetMs } from './retry.schedule';

type Kind = 'webhook' | 'ipn';

interface Delivery {
  notificationId: string;
  kind: Kind;
  url: string;
  dataId: string;
  userId: number;
  /** The secret when the event happened, used if the application is deleted meanwhile. */
  secret: string;
  body: Json;
  attempt: number;
  firstAt: number | null;
}

export interface DeliveryAttempt {
  notification_id: string;
  kind: Kind;
  url: string;
  headers: Record<string, string>;
  body: Json | null;
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  fault: string | null;
  next_retry_at: string | null;
}

interface PendingRetry {
  timer: NodeJS.Timeout;
  notification_id: string;
  kind: Kind;
  url: string;
  attempt: number;
  due_at: string;
}

const LOG_LIMIT = 5000;

interface NotificationBase {
  notificationId: string;
  dataId: string;
  userId: number;
  liveMode: boolean;
  siteId: string;
}

const nowText = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Sends payment and chargeback notifications the way Mercado Pago does: POST to the URL with
 * `?data.id=<id>&type=payment` (or `chargebacks`), a signed `x-signature`, retried until a 2xx on Mercado Pago's
 * schedule (scaled by the time scale). Deliveries never block request handling.
 */
export class NotificationSender implements PaymentEvents, ChargebackEvents {
  readonly log = new RingLog<DeliveryAttempt>(LOG_LIMIT);
  private readonly pending = new Map<string, PendingRetry>();
  private held: Delivery[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<http.ClientRequest>();
  /** Bumped by reset/close: answers to requests of an earlier generation are ignored. */
  private generation = 0;
  private closed = false;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

  constructor(
    private readonly options: EmulatorOptions,
    private readonly accounts: AccountRegistry,
    private readonly faults: FaultRegistry,
    private readonly timers: Timers,
    private readonly ids: IdSequence,
  ) {}

  paymentChanged(record: PaymentRecord, action: PaymentAction): void {
    this.notify(record, String(record.id), 'payment', (base) => ({
      action,
      api_version: 'v1',
      data: { id: base.dataId },
      date_created: nowText(),
      id: base.notificationId,
      live_mode: base.liveMode,
      type: 'payment',
      user_id: base.userId,
    }));
  }

  /**
   * The `chargebacks` topic: `?data.id=<chargeback id>&type=chargebacks`, signed like payments,
   * with the body of Mercado Pago's example (`type: topic_chargebacks_wh`, the payment in `data`).
   */
  chargebackChanged(record: ChargebackRecord, payment: PaymentRecord): void {
    this.notify(payment, record.id, 'chargebacks', (base) => ({
      actions: ['changed_case_status'],
      api_version: 'v1',
      application_id: base.userId,
      data: {
        checkout: 'API',
        date_updated: record.json.date_last_updated,
        id: record.id,
        payment_id: payment.id,
        site_id: base.siteId,
      },
      date_created: nowText(),
      id: base.notificationId,
      live_mode: base.liveMode,
      type: 'topic_chargebacks_wh',
      user_id: base.userId,
      version: record.updatedAt,
    }));
  }

  /** Webhook and/or IPN for a change of `dataId` under `topic`, to the payment's URL. */
  private notify(
    payment: PaymentRecord,
    dataId: string,
    topic: 'payment' | 'chargebacks',
    webhookBody: (base: NotificationBase) => Json,
  ): void {
    if (this.closed) return;
    const account = this.accounts.byUserId(payment.userId);
    const target =
      payment.notificationUrl ?? account?.notification_url ?? this.options.notificationUrl;
    if (!account || !target) return;
    const sourceNews = new URL(target).searchParams.get('source_news');
    const notificationId = String(this.ids.take());
    const base = {
      notificationId,
      dataId,
      userId: account.user_id,
      secret: account.webhook_secret,
    };
    // `source_news=webhooks` asks for Webhooks only, `source_news=ipn` for the legacy IPN only.
    if (sourceNews !== 'ipn') {
      this.dispatch({
        ...base,
        kind: 'webhook',
        url: withQuery(target, { 'data.id': dataId, type: topic }),
        body: webhookBody({
          ...base,
          liveMode: account.live_mode,
          siteId: account.site_id,
        }),
        attempt: 0,
        firstAt: null,
      });
    }
    if (account.send_ipn && sourceNews !== 'webhooks') {
      this.dispatch({
        ...base,
        kind: 'ipn',
        url: withQuery(target, { topic, id: dataId }),
        body: { resource: dataId, topic },
        attempt: 0,
        firstAt: null,
      });
    }
  }

  /** Delivers the held (reordered) notifications, newest first. */
  release(): number {
    if (this.heldTimer) this.timers.cancel(this.heldTimer);
    this.heldTimer = null;
    const held = this.held.reverse();
    this.held = [];
    for (const delivery of held) this.send(delivery);
    return held.length;
  }

  pendingRetries(): Array<Omit<PendingRetry, 'timer'>> {
    return [...this.pending.values()].map(({ timer: _timer, ...rest }) => rest);
  }

  heldCount(): number {
    return this.held.length;
  }

  /** Forgets everything; timers themselves are cleared by the caller's Timers. */
  reset(): void {
    this.generation += 1;
    for (const retry of this.pending.values()) this.timers.cancel(retry.timer);
    this.pending.clear();
    if (this.heldTimer) this.timers.cancel(this.heldTimer);
    this.heldTimer = null;
    this.held = [];
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
    this.log.clear();
  }

  close(): void {
    this.closed = true;
    this.reset();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private dispatch(delivery: Delivery): void {
    const fault = this.faults.forNotification();
    switch (fault?.mode) {
      case 'drop':
        this.record(delivery, {}, null, null, 'dropped', null);
        return;
      case 'duplicate':
        this.send(delivery);
        this.send({ ...delivery });
        return;
      case 'delay':
        this.timers.after(fault.delay_ms, () => this.send(delivery));
        return;
      case 'reorder':
        this.held.push(delivery);
        this.heldTimer ??= this.timers.after(fault.window_ms, () => this.release());
        return;
      default:
        this.send(delivery);
    }
  }

  private send(delivery: Delivery): void {
    // Never inside the request that caused it: the answer goes out first.
    this.timers.after(0, () => this.attempt(delivery));
  }

  private attempt(delivery: Delivery): void {
    const now = Date.now();
    delivery.firstAt ??= now;
    const requestId = randomUUID();
    const ts =
      this.options.signatureTimestamp === 'ms' ? String(now) : String(Math.floor(now / 1000));
    const secret = this.accounts.byUserId(delivery.userId)?.webhook_secret ?? delivery.secret;
    const payload = JSON.stringify(delivery.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(payload)),
      'user-agent': 'restclient-node/4.15.3',
      'x-request-id': requestId,
      'x-retry': String(delivery.attempt),
      'x-socket-timeout': '22000',
    };
    // Legacy IPN carries a signature nobody can check, so the emulator sends none.
    if (delivery.kind === 'webhook') {
      headers['x-signature'] = signatureHeader(secret, delivery.dataId, requestId, ts);
    }
    const url = new URL(delivery.url);
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'POST',
      headers,
      agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
      timeout: this.options.deliveryTimeoutMs,
    });
    this.inFlight.add(request);
    const generation = this.generation;
    let settled = false;
    const done = (status: number | null, error: string | null): void => {
      if (settled || generation !== this.generation) return;
      settled = true;
      this.inFlight.delete(request);
      const ok = status !== null && status >= 200 && status < 300;
      const next = ok ? null : this.scheduleRetry(delivery);
      this.record(delivery, headers, status, error, null, next);
    };
    request.on('response', (response) => {
      response.resume();
      done(response.statusCode ?? null, null);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => done(null, error.message));
    request.end(payload);
  }

  private scheduleRetry(delivery: Delivery): string | null {
    const retry = delivery.attempt + 1;
    const offset = retryOffsetMs(this.options.retrySchedule, retry, this.options.timeScale);
    if (offset === null || delivery.firstAt === null) return null;
    const dueAt = delivery.firstAt + offset;
    const key = `${delivery.kind}:${delivery.notificationId}:${retry}:${randomUUID()}`;
    const timer = this.timers.after(Math.max(0, dueAt - Date.now()), () => {
      this.pending.delete(key);
      this.attempt({ ...delivery, attempt: retry });
    });
    const due = new Date(dueAt).toISOString();
    this.pending.set(key, {
      timer,
      notification_id: delivery.notificationId,
      kind: delivery.kind,
      url: delivery.url,
      attempt: retry,
      due_at: due,
    });
    return due;
  }

  private record(
    delivery: Delivery,
    headers: Record<string, string>,
    status: number | null,
    error: string | null,
    fault: string | null,
    next: string | null,
  ): void {
    this.log.push({
      notification_id: delivery.notificationId,
      kind: delivery.kind,
      url: delivery.url,
      headers,
      body: delivery.body,
      attempt: delivery.attempt,
      at: new Date().toISOString(),
      status,
      error,
      fault,
      next_retry_at: next,
    });
  }
}

/** Appends to the URL's own query, as Mercado Pago does with `?cliente=…` style URLs. */
function withQuery(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
  return url.toString();
}
