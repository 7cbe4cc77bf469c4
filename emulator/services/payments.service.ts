import { randomUUID } from 'node:crypto';
import { asRecord, isRecord, optionalString, type Json } from '../common/body.util';
import { mpDate } from '../common/dates.util';
import { MpError, badRequest, notFound } from '../common/mp-error.util';
import { toMinor, fromMinor } from '../common/money.util';
import { outcomeForCardholder, type Outcome } from '../data/cardholder-outcomes.data';
import { paymentMethodById } from '../data/payment-methods.data';
import { SITES } from '../data/sites.data';
import type { Account } from '../state/accounts.state';
import type { CardTokenRecord, EmulatorStore, PaymentRecord } from '../state/store.state';
import { usableCardToken } from './card-tokens.service';
import {
  applyAmounts,
  approve,
  payerIdFor,
  releaseDue,
  renderAdditionalInfo,
  renderPayment,
  snakeCaseKeys,
  touch,
} from './payment.render';

export type PaymentAction = 'payment.created' | 'payment.updated';

export interface PaymentEvents {
  paymentChanged(record: PaymentRecord, action: PaymentAction): void;
}

/** Mercado Pago's limit on `notification_url` (its reference says 248 characters). */
const NOTIFICATION_URL_MAX = 248;

export function requireIdempotencyKey(key: string | undefined): string {
  if (!key) throw badRequest(1, 'header X-Idempotency-Key is required');
  return key;
}

function readAmount(value: unknown, decimals: number): number {
  if (value === undefined || value === null) {
    throw badRequest(4002, "transaction_amount attribute can't be null");
  }
  if (typeof value !== 'number')
    throw badRequest(4003, 'transaction_amount attribute must be numeric');
  const minor = toMinor(value, decimals);
  if (minor === null || minor <= 0) throw badRequest(4037, 'Invalid transaction_amount');
  return minor;
}

function readNotificationUrl(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.length > NOTIFICATION_URL_MAX) {
    throw badRequest(
      4021,
      `notification_url attribute must be shorter than ${NOTIFICATION_URL_MAX + 1} characters`,
    );
  }
  let url: URL | null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  // Mercado Pago demands https; plain http is accepted here so a local service can listen.
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw badRequest(4020, 'notification_url attribute must be url valid');
  }
  return value as string;
}

function readInstallments(value: unknown): number {
  if (value === undefined || value === null)
    throw badRequest(4004, "installments attribute can't be null");
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badRequest(4005, 'installments attribute must be numeric');
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The modes that let the issuer ask for a challenge; `not_supported` (the default) does not. */
const THREE_DS_MODES = new Set(['optional', 'mandatory']);

/** The emulator's challenge page, where `three_ds_info.external_resource_url` points. */
export const CHALLENGE_PATH = '/__emulator/3ds/challenge';

/** An EMV 3DS CReq as an ACS gets it: base64url JSON naming the transaction. */
function challengeRequest(): string {
  const creq = {
    threeDSServerTransID: randomUUID(),
    acsTransID: randomUUID(),
    challengeWindowSize: '05',
    messageType: 'CReq',
    messageVersion: '2.1.0',
  };
  return Buffer.from(JSON.stringify(creq)).toString('base64url');
}

/** Later states Mercado Pago can move a payment to, each with its usual status_detail. */
const FORCED_DETAIL: Record<string, string> = {
  pending: 'pending_waiting_payment',
  approved: 'accredited',
  authorized: 'pending_capture',
  in_process: 'pending_contingency',
  in_mediation: 'in_mediation',
  rejected: 'cc_rejected_other_reason',
  cancelled: 'by_collector',
  refunded: 'refunded',
  charged_back: 'settled',
};

const TRANSITIONS: Record<string, Record<string, string>> = {
  pending: {
    approved: 'accredited',
    in_process: 'pending_review_manual',
    rejected: 'cc_rejected_other_reason',
    cancelled: 'expired',
  },
  in_process: {
    approved: 'accredited',
    rejected: 'cc_rejected_other_reason',
    cancelled: 'expired',
  },
  authorized: { cancelled: 'expired' },
  approved: { charged_back: 'settled' },
  charged_back: { charged_back: 'settled' },
};

export class PaymentsService {
  constructor(
    private readonly store: EmulatorStore,
    private readonly events: PaymentEvents,
    private readonly clock: () => number,
  ) {}

  /** `origin` is this emulator's own address, where a 3DS challenge page is served. */
  create(account: Account, body: unknown, key: string | undefined, origin: string): Json {
    const idempotencyKey = requireIdempotencyKey(key);
    const { idempotency } = this.store;
    const replay = idempotency.lookup(
      account.user_id,
      idempotencyKey,
      'POST',
      '/v1/payments',
      body,
    );
    if (replay) return replay as Json;
    const record = this.build(account, asRecord(body), origin);
    this.store.payments.set(record.id, record);
    idempotency.remember(account.user_id, idempotencyKey, 'POST', '/v1/payments', body, () =>
      renderPayment(record),
    );
    this.events.paymentChanged(record, 'payment.created');
    return renderPayment(record);
  }

  get(account: Account, id: string): PaymentRecord {
    const record = /^\d+$/.test(id)
      ? this.store.owned(this.store.payments, Number(id), account.user_id)
      : null;
    if (!record) throw notFound('Payment not found', 2000);
    releaseDue(record, this.clock());
    return record;
  }

  /**
   * Control API: the payment's money is released at `at` (now when omitted): at once when that
   * is not in the future, else when the emulator's clock gets there.
   */
  release(id: number, at: unknown): Json {
    const record = this.byId(id);
    if (record.json.money_release_status !== 'pending') {
      throw new MpError(
        409,
        `payment ${id} has no money pending release (money_release_status ${String(record.json.money_release_status)})`,
        [],
        'conflict',
      );
    }
    const when =
      at === undefined || at === null
        ? this.clock()
        : typeof at === 'string'
          ? Date.parse(at)
          : NaN;
    if (Number.isNaN(when)) throw badRequest(1, 'at must be an ISO-8601 date');
    record.json.money_release_date = mpDate(when);
    record.serialized = null;
    releaseDue(record, this.clock());
    return renderPayment(record);
  }

  /** `PUT /v1/payments/{id}`: cancel (`status: cancelled`) or capture (`capture: true`). */
  update(account: Account, id: string, input: unknown): Json {
    const record = this.get(account, id);
    const body = asRecord(input);
    const status = record.json.status as string;
    const now = this.clock();
    if (body.status !== undefined) {
      if (body.status !== 'cancelled') throw badRequest(2016, 'Invalid status for update');
      if (status !== 'pending' && status !== 'in_process' && status !== 'authorized') {
        throw badRequest(2018, `Action not valid for a payment in status ${status}`);
      }
      record.json.status = 'cancelled';
      record.json.status_detail = 'by_collector';
      applyAmounts(record, false);
    } else if (body.capture === true) {
      if (status !== 'authorized') {
        throw badRequest(2018, `Action not valid for a payment in status ${status}`);
      }
      if (body.transaction_amount !== undefined && body.transaction_amount !== null) {
        const minor =
          typeof body.transaction_amount === 'number'
            ? toMinor(body.transaction_amount, record.decimals)
            : null;
        // A capture may take less than was reserved, never more.
        if (minor === null || minor <= 0 || minor > record.amountMinor) {
          throw badRequest(2017, 'Invalid transaction_amount for update');
        }
        record.amountMinor = minor;
      }
      approve(record, now);
    } else {
      for (const field of ['external_reference', 'description', 'statement_descriptor'] as const) {
        if (typeof body[field] === 'string') record.json[field] = body[field];
      }
      if (isRecord(body.metadata)) record.json.metadata = snakeCaseKeys(body.metadata);
    }
    touch(record, now);
    this.events.paymentChanged(record, 'payment.updated');
    return renderPayment(record);
  }

  /** Any seller's payment, for the control API (Mercado Pago's own side). */
  byId(id: number): PaymentRecord {
    const record = this.store.payments.get(id);
    if (!record) throw notFound('Payment not found', 2000);
    return record;
  }

  /** A change made by Mercado Pago rather than by the seller (control API), notified as usual. */
  transition(id: number, status: unknown, statusDetail: unknown, force = false): Json {
    const record = this.byId(id);
    const from = record.json.status as string;
    const allowed = TRANSITIONS[from] ?? {};
    const target = typeof status === 'string' ? status : '';
    // `force` puts a payment in any state a test needs (e.g. a card payment left pending), with
    // a status_detail Mercado Pago documents for that status.
    const defaultDetail =
      force && target ? (allowed[target] ?? FORCED_DETAIL[target]) : allowed[target];
    const stuck = from === 'charged_back' && record.json.status_detail !== 'in_process';
    if (!defaultDetail || (stuck && !force)) {
      throw new MpError(
        409,
        `payment ${id} cannot move from ${from}/${String(record.json.status_detail)} to ${target || '(no status)'}; allowed: ${Object.keys(allowed).join(', ') || 'none'}`,
        [],
        'conflict',
      );
    }
    const detail = typeof statusDetail === 'string' ? statusDetail : defaultDetail;
    const now = this.clock();
    if (target === 'approved') {
      approve(record, now, detail);
    } else {
      record.json.status = target;
      record.json.status_detail = detail;
      if (target !== 'charged_back') applyAmounts(record, false);
    }
    touch(record, now);
    this.events.paymentChanged(record, 'payment.updated');
    return renderPayment(record);
  }

  /** The payment waiting for the challenge that `creq` stands for. */
  byChallenge(creq: unknown): PaymentRecord {
    const id = typeof creq === 'string' ? this.store.challenges.get(creq) : undefined;
    if (id === undefined) throw notFound('3DS challenge not found');
    return this.byId(id);
  }

  /**
   * The cardholder passed (approved / accredited) or failed (rejected / cc_rejected_3ds_challenge)
   * the 3DS challenge: the challenge closes and the change is notified as any other.
   */
  completeChallenge(id: number, result: unknown): Json {
    const record = this.byId(id);
    const creq = (record.json.three_ds_info as Json | null)?.creq;
    if (record.json.status_detail !== 'pending_challenge' || typeof creq !== 'string') {
      throw new MpError(
        409,
        `payment ${id} is not waiting for a 3DS challenge (${String(record.json.status)}/${String(record.json.status_detail)})`,
        [],
        'conflict',
      );
    }
    if (result !== 'completed' && result !== 'failed') {
      throw badRequest(1, 'result must be completed or failed');
    }
    const now = this.clock();
    if (result === 'completed') {
      approve(record, now);
    } else {
      record.json.status = 'rejected';
      record.json.status_detail = 'cc_rejected_3ds_challenge';
    }
    this.store.challenges.delete(creq);
    touch(record, now);
    this.events.paymentChanged(record, 'payment.updated');
    return renderPayment(record);
  }

  private build(account: Account, body: Json, origin: string): PaymentRecord {
    const site = SITES[account.site_id];
    const amountMinor = readAmount(body.transaction_amount, site.decimals);
    const installments = readInstallments(body.installments);
    const methodId = optionalString(body.payment_method_id);
    if (!methodId) throw badRequest(4001, "payment_method_id attribute can't be null");
    const method = paymentMethodById(account.site_id, methodId);
    if (!method)
      throw badRequest(
        3011,
        `payment_method ${methodId} not found (the emulator takes cards only)`,
      );
    const notificationUrl = readNotificationUrl(body.notification_url);
    if (body.metadata !== undefined && body.metadata !== null && !isRecord(body.metadata)) {
      throw badRequest(4022, 'metadata attribute must be a valid JSON');
    }
    const payer = this.readPayer(account, body.payer);
    const tokenId = optionalString(body.token);
    if (!tokenId) throw badRequest(4000, "card attribute can't be null");
    const token = usableCardToken(this.store, account, tokenId, this.clock());
    if (token.card.method.id !== method.id) {
      throw new MpError(400, 'diff_param_bins', [
        {
          code: 3028,
          description: `payment_method_id ${method.id} does not match the card (${token.card.method.id})`,
        },
      ]);
    }
    if (payer.type === 'customer' && token.cardId !== null) {
      const card = this.store.cards.get(token.cardId);
      if (card?.customerId !== payer.id) {
        throw badRequest(2062, 'Invalid card token: the card does not belong to this customer');
      }
    }
    // Spent only once the whole request is valid, so a corrected retry can use it.
    token.used = true;
    return this.newRecord(account, body, {
      amountMinor,
      installments,
      notificationUrl,
      payer,
      token,
      origin,
    });
  }

  private readPayer(account: Account, value: unknown): Json & { type: string | null; id: string } {
    if (!isRecord(value)) throw badRequest(4006, 'payer attribute is malformed');
    const type = optionalString(value.type);
    let email = optionalString(value.email);
    let id: string;
    if (type === 'customer') {
      const customerId = optionalString(value.id);
      if (!customerId) throw badRequest(4012, "payer.id attribute can't be null");
      const customer = this.store.owned(this.store.customers, customerId, account.user_id);
      if (!customer) throw badRequest(2002, 'Customer not found');
      email ??= customer.fields.email as string;
      id = customerId;
    } else {
      if (!email || !EMAIL.test(email)) throw badRequest(4050, 'payer.email must be a valid email');
      id = payerIdFor(email);
    }
    if (email && email.length > 254)
      throw badRequest(4051, 'payer.email must be shorter than 254 characters');
    const identification = asRecord(value.identification);
    return {
      type,
      id,
      email,
      identification: {
        type: optionalString(identification.type),
        number: optionalString(identification.number),
      },
      phone: { area_code: null, number: null, extension: null, ...asRecord(value.phone) },
      first_name: optionalString(value.first_name),
      last_name: optionalString(value.last_name),
      entity_type: optionalString(value.entity_type),
      operator_id: null,
    };
  }

  private outcome(body: Json, token: CardTokenRecord, installments: number): Outcome {
    const threeDs = THREE_DS_MODES.has(body.three_d_secure_mode as string);
    const outcome = outcomeForCardholder(token.card.cardholder.name, threeDs);
    if (outcome.status === 'rejected') return outcome;
    if (installments > token.card.method.maxInstallments) {
      return { status: 'rejected', status_detail: 'cc_rejected_invalid_installments' };
    }
    // binary_mode: the answer is approved or rejected, never in_process.
    if (outcome.status === 'in_process' && body.binary_mode === true) {
      return { status: 'rejected', status_detail: 'cc_rejected_other_reason' };
    }
    return outcome;
  }

  private newRecord(
    account: Account,
    body: Json,
    input: {
      amountMinor: number;
      installments: number;
      notificationUrl: string | null;
      payer: Json;
      token: CardTokenRecord;
      origin: string;
    },
  ): PaymentRecord {
    const now = this.clock();
    const site = SITES[account.site_id];
    const { token } = input;
    const { card } = token;
    const id = this.store.paymentIds.take();
    const created = mpDate(now);
    const outcome = this.outcome(body, token, input.installments);
    const record: PaymentRecord = {
      id,
      userId: account.user_id,
      decimals: site.decimals,
      fees: site.fees,
      amountMinor: input.amountMinor,
      refundedMinor: 0,
      refundOutcomes: [],
      notificationUrl: input.notificationUrl,
      refunds: [],
      createdAt: now,
      serialized: null,
      json: {
        id,
        date_created: created,
        date_approved: null,
        date_last_updated: created,
        date_of_expiration: null,
        money_release_date: null,
        money_release_status: null,
        operation_type: 'regular_payment',
        issuer_id: optionalString(body.issuer_id) ?? card.method.issuer.id,
        payment_method_id: card.method.id,
        payment_type_id: card.method.payment_type_id,
        payment_method: {
          id: card.method.id,
          type: card.method.payment_type_id,
          issuer_id: card.method.issuer.id,
          data: { routing_data: { merchant_account_id: null } },
        },
        status: outcome.status,
        status_detail: outcome.status_detail,
        currency_id: site.currency,
        description: optionalString(body.description),
        live_mode: account.live_mode,
        sponsor_id: null,
        authorization_code: null,
        money_release_schema: null,
        taxes_amount: 0,
        counter_currency: null,
        brand_id: null,
        shipping_amount: 0,
        build_version: 'emulator',
        pos_id: null,
        store_id: null,
        integrator_id: null,
        platform_id: null,
        corporation_id: null,
        collector_id: account.user_id,
        payer: input.payer,
        marketplace_owner: null,
        metadata: snakeCaseKeys(body.metadata ?? {}),
        additional_info: renderAdditionalInfo(body.additional_info),
        order: {},
        external_reference: optionalString(body.external_reference),
        transaction_amount: fromMinor(input.amountMinor, site.decimals),
        transaction_amount_refunded: 0,
        coupon_amount: 0,
        differential_pricing_id: null,
        financing_group: null,
        deduction_schema: null,
        installments: input.installments,
        transaction_details: {
          payment_method_reference_id: null,
          acquirer_reference: null,
          net_received_amount: 0,
          total_paid_amount: 0,
          overpaid_amount: 0,
          external_resource_url: null,
          installment_amount: 0,
          financial_institution: null,
          payable_deferral_period: null,
        },
        fee_details: [],
        charges_details: [],
        captured: body.capture !== false,
        binary_mode: body.binary_mode === true,
        call_for_authorize_id: null,
        statement_descriptor: optionalString(body.statement_descriptor),
        card: {
          id: token.cardId,
          first_six_digits: card.number.slice(0, 6),
          last_four_digits: card.number.slice(-4),
          expiration_month: card.expiration_month,
          expiration_year: card.expiration_year,
          date_created: created,
          date_last_updated: created,
          cardholder: card.cardholder,
        },
        notification_url: input.notificationUrl,
        refunds: [],
        processing_mode: 'aggregator',
        merchant_account_id: null,
        merchant_number: null,
        acquirer_reconciliation: [],
        point_of_interaction: {
          type: 'UNSPECIFIED',
          business_info: { unit: 'online_payments', sub_unit: 'default', branch: null },
        },
        callback_url: null,
        three_ds_info: null,
        accounts_info: null,
        release_info: null,
        tags: null,
      },
    };
    if (outcome.status === 'approved' && body.capture === false) {
      // An authorization reserves the money: no fee, nothing released until the capture.
      record.json.status = 'authorized';
      record.json.status_detail = 'pending_capture';
      record.json.authorization_code = String(100000 + (id % 900000));
      applyAmounts(record, false);
    } else if (outcome.status === 'approved') {
      approve(record, now);
    } else {
      applyAmounts(record, false);
    }
    if (outcome.status_detail === 'pending_challenge') {
      const creq = challengeRequest();
      this.store.challenges.set(creq, id);
      record.json.three_ds_info = {
        external_resource_url: `${input.origin}${CHALLENGE_PATH}`,
        creq,
      };
    }
    return record;
  }
}
