import { scalarText, type Json } from '../common/body.util';
import { DAY_MS } from '../common/dates.util';
import { badRequest } from '../common/mp-error.util';
import type { Account } from '../state/accounts.state';
import type { EmulatorStore, PaymentRecord } from '../state/store.state';
import { releaseDue, renderPayment } from './payment.render';

const DATE_FIELDS = ['date_created', 'date_approved', 'date_last_updated', 'money_release_date'];
const PAGING_KEYS = new Set([
  'sort',
  'criteria',
  'range',
  'begin_date',
  'end_date',
  'limit',
  'offset',
]);
/** Mercado Pago's page size when none is given, and the most one page may hold. */
const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 1000;
const RELATIVE_UNITS: Record<string, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: DAY_MS,
  WEEK: 7 * DAY_MS,
  MONTH: 30 * DAY_MS,
};

/** Dates as Mercado Pago takes them: ISO 8601 or relative, like `NOW-30DAYS`. */
function parseDate(value: string, now: number): number {
  const relative = /^NOW(?:([-+])(\d+)(MINUTE|HOUR|DAY|WEEK|MONTH)S?)?$/i.exec(value);
  if (relative) {
    const [, sign, count, unit] = relative;
    if (!sign || !count || !unit) return now;
    const delta = Number(count) * (RELATIVE_UNITS[unit.toUpperCase()] ?? 0);
    return sign === '-' ? now - delta : now + delta;
  }
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw badRequest(1001, "date format must be yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  }
  return ms;
}

function readIndex(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(1, `Params Error: ${value} is not a number`);
  if (n > max) throw badRequest(1000, 'Number of rows exceeded the limits');
  return n;
}

function fieldText(payment: Json, path: string): string | null {
  let value: unknown = payment;
  for (const part of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Json)[part] : undefined;
  }
  return scalarText(value);
}

function dateOf(payment: Json, field: string): number | null {
  const value = payment[field];
  return typeof value === 'string' ? Date.parse(value) : null;
}

/** `GET /v1/payments/search`: any other query key filters on that (dotted) payment field. */
export function searchPayments(
  store: EmulatorStore,
  account: Account,
  query: Record<string, string | undefined>,
  now: number,
): Json {
  const sort = query.sort ?? 'date_created';
  if (!DATE_FIELDS.includes(sort)) throw badRequest(1003, 'Invalid sort');
  const criteria = query.criteria ?? 'desc';
  if (criteria !== 'asc' && criteria !== 'desc') throw badRequest(1004, 'Invalid criteria');
  const range = query.range ?? 'date_created';
  if (!DATE_FIELDS.includes(range)) throw badRequest(1, 'Params Error: invalid range');
  const begin = query.begin_date ? parseDate(query.begin_date, now) : null;
  const end = query.end_date ? parseDate(query.end_date, now) : null;
  const limit = readIndex(query.limit, DEFAULT_LIMIT, MAX_LIMIT);
  const offset = readIndex(query.offset, 0, Number.MAX_SAFE_INTEGER);
  const filters = Object.entries(query).filter(
    (entry): entry is [string, string] => !PAGING_KEYS.has(entry[0]) && entry[1] !== undefined,
  );
  const owned: PaymentRecord[] = [];
  for (const record of store.payments.values()) {
    if (record.userId !== account.user_id) continue;
    releaseDue(record, now);
    owned.push(record);
  }
  const matching = owned.map(renderPayment).filter((payment) => {
    if (begin !== null || end !== null) {
      const at = dateOf(payment, range);
      if (at === null || (begin !== null && at < begin) || (end !== null && at > end)) return false;
    }
    return filters.every(([key, value]) => fieldText(payment, key) === value);
  });
  const direction = criteria === 'asc' ? 1 : -1;
  matching.sort(
    (a, b) =>
      direction *
      ((dateOf(a, sort) ?? 0) - (dateOf(b, sort) ?? 0) || (a.id as number) - (b.id as number)),
  );
  return {
    paging: { total: matching.length, limit, offset },
    results: matching.slice(offset, offset + limit),
  };
}
