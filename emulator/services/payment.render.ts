import { createHash } from 'node:crypto';
import { isRecord, scalarText, type Json } from '../common/body.util';
import { DAY_MS, mpDate } from '../common/dates.util';
import { feesMinor, fromMinor } from '../common/money.util';
import type { PaymentRecord } from '../state/store.state';

/** Mercado Pago shows the payer's email and document only once money moved. */
const PAYER_VISIBLE = new Set(['approved', 'refunded', 'charged_back']);

/** Metadata keys come back in snake_case (`orderId` → `order_id`), a known Mercado Pago quirk. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    out[key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()] = snakeCaseKeys(item);
  }
  return out;
}

/** Item quantity and unit price come back as strings (`"1"`, `"58.8"`). */
export function renderAdditionalInfo(value: unknown): Json {
  if (!isRecord(value)) {
    return { available_balance: null, nsu_processadora: null, authentication_code: null };
  }
  const items = Array.isArray(value.items)
    ? value.items.map((item: unknown) => {
        const it = isRecord(item) ? item : {};
        return {
          ...it,
          quantity: scalarText(it.quantity),
          unit_price: scalarText(it.unit_price),
        };
      })
    : undefined;
  return { ...value, ...(items ? { items } : {}) };
}

/** A guest payer still gets a numeric Mercado Pago user id; it is derived from the email here. */
export function payerIdFor(email: string): string {
  return String(parseInt(createHash('sha1').update(email).digest('hex').slice(0, 8), 16));
}

/**
 * Sets the money fields for the amount charged so far. Fees are on approved money only and on what
 * the seller keeps: a refund gives back its share of them (README, "Fees and release").
 */
export function applyAmounts(record: PaymentRecord, charged: boolean): void {
  const { json, decimals } = record;
  const installments = typeof json.installments === 'number' ? json.installments : 1;
  const kept = charged ? record.amountMinor - record.refundedMinor : 0;
  const fee = feesMinor(record.fees, kept, installments);
  const collector = (type: string, minor: number) => ({
    type,
    amount: fromMinor(minor, decimals),
    fee_payer: 'collector',
  });
  json.transaction_amount = fromMinor(record.amountMinor, decimals);
  json.fee_details = charged
    ? [
        collector('mercadopago_fee', fee.mercadopago),
        ...(installments > 1 ? [collector('financing_fee', fee.financing)] : []),
      ]
    : [];
  json.transaction_details = {
    ...(json.transaction_details as Json),
    net_received_amount: fromMinor(kept - fee.mercadopago - fee.financing, decimals),
    total_paid_amount: fromMinor(record.amountMinor, decimals),
    installment_amount: fromMinor(Math.round(record.amountMinor / installments), decimals),
  };
}

/** Marks the payment approved now: approval date, release date, fees. */
export function approve(record: PaymentRecord, now: number, statusDetail = 'accredited'): void {
  const { json } = record;
  json.status = 'approved';
  json.status_detail = statusDetail;
  json.captured = true;
  json.date_approved = mpDate(now);
  json.money_release_date = mpDate(now + record.fees.releaseDays * DAY_MS);
  json.money_release_status = 'pending';
  json.authorization_code ??= String(100000 + (record.id % 900000));
  applyAmounts(record, true);
}

/**
 * Money pending release is released once the clock passes its date. Not a change of the payment
 * (date_last_updated stays, nothing is notified): a client sees it by reading the payment again.
 */
export function releaseDue(record: PaymentRecord, now: number): void {
  const { json } = record;
  if (json.money_release_status !== 'pending') return;
  if (Date.parse(json.money_release_date as string) > now) return;
  json.money_release_status = 'released';
  record.serialized = null;
}

/** Every change ends here, which also drops the cached JSON text. */
export function touch(record: PaymentRecord, now: number): void {
  record.json.date_last_updated = mpDate(now);
  record.serialized = null;
}

export function serializedPayment(record: PaymentRecord): string {
  record.serialized ??= JSON.stringify(renderPayment(record));
  return record.serialized;
}

export function renderPayment(record: PaymentRecord): Json {
  const { json } = record;
  const payer = json.payer as Json;
  const visible = PAYER_VISIBLE.has(json.status as string);
  return {
    ...json,
    payer: visible
      ? payer
      : { ...payer, email: null, identification: { type: null, number: null } },
    refunds: record.refunds.map((refund) => refund.json),
  };
}
