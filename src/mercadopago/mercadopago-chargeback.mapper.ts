import { AmountError, toMinorUnits } from '../common/money';
import { type GatewayChargeback, isDocumentationStatus } from '../disputes/dispute-gateway.port';
import { UnexpectedGatewayResponse } from './mercadopago-payment.mapper';

/**
 * GET /v1/chargebacks/{id} as Mercado Pago's reference documents it. The SDK's own type
 * (`payment_id`, `status`, `currency_id`) describes fields the reference does not have, so the
 * answer is read field by field here instead.
 */
export interface ChargebackAnswer {
  id?: unknown;
  payments?: unknown;
  currency?: unknown;
  amount?: unknown;
  reason?: unknown;
  coverage_applied?: unknown;
  /** The reference spells it this way; its guides say coverage_eligible. */
  coverage_elegible?: unknown;
  coverage_eligible?: unknown;
  documentation_required?: unknown;
  documentation_status?: unknown;
  date_documentation_deadline?: unknown;
  date_created?: unknown;
  date_last_updated?: unknown;
  live_mode?: unknown;
}

const unreadable = (what: string) => new UnexpectedGatewayResponse(`chargeback ${what}`);

function flag(value: unknown, field: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw unreadable(`with a ${field} that is not a boolean`);
  return value;
}

function date(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime())) throw unreadable(`with an unreadable ${field}`);
  return parsed;
}

function chargebackId(value: unknown): string {
  // Digits beyond 2^53 in the reference's examples: a number would already have lost some.
  if (typeof value === 'string' && /^[0-9A-Za-z_-]{1,64}$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  throw unreadable('without a readable id');
}

function paymentIds(value: unknown): number[] {
  const ids = Array.isArray(value) ? value : [];
  if (ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw unreadable('without the ids of its payments');
  }
  return ids as number[];
}

function minorAmount(value: unknown, currency: string): number {
  if (typeof value !== 'number') throw unreadable('without a readable amount');
  try {
    return toMinorUnits(value, currency);
  } catch (error) {
    if (error instanceof AmountError)
      throw unreadable(`amount ${value} ${currency}: ${error.message}`);
    throw error;
  }
}

export function toGatewayChargeback(answer: ChargebackAnswer): GatewayChargeback {
  const currency = answer.currency;
  if (typeof currency !== 'string') throw unreadable('without a currency');
  const status = answer.documentation_status;
  if (!isDocumentationStatus(status)) {
    throw unreadable(`with an unknown documentation_status "${String(status)}"`);
  }
  if (typeof answer.live_mode !== 'boolean') throw unreadable('without live_mode');
  if (answer.reason !== undefined && answer.reason !== null && typeof answer.reason !== 'string') {
    throw unreadable('with a reason that is not text');
  }
  return {
    id: chargebackId(answer.id),
    paymentIds: paymentIds(answer.payments),
    currencyId: currency,
    amount: minorAmount(answer.amount, currency),
    reason: answer.reason ?? null,
    coverageApplied: flag(answer.coverage_applied, 'coverage_applied'),
    coverageEligible: flag(
      answer.coverage_elegible ?? answer.coverage_eligible,
      'coverage_elegible',
    ),
    documentationRequired: flag(answer.documentation_required, 'documentation_required'),
    documentationStatus: status,
    documentationDeadline: date(answer.date_documentation_deadline, 'date_documentation_deadline'),
    dateCreated: date(answer.date_created, 'date_created'),
    dateLastUpdated: date(answer.date_last_updated, 'date_last_updated'),
    liveMode: answer.live_mode,
  };
}
