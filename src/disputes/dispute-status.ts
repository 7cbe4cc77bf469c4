import type { GatewayChargeback } from './dispute-gateway.port';
import type { DisputeStatus } from './disputes.schema';

export const CLOSED_STATUSES: readonly DisputeStatus[] = ['won', 'lost'];

/**
 * Mercado Pago's chargeback has no status of its own: coverage_applied is the decision (true for
 * the seller, false against, null not yet) and documentation_status the stage before it. Only
 * `pending` still waits for the seller; every other value waits for Mercado Pago.
 */
export function disputeStatus(
  chargeback: Pick<GatewayChargeback, 'coverageApplied' | 'documentationStatus'>,
): DisputeStatus {
  if (chargeback.coverageApplied !== null) return chargeback.coverageApplied ? 'won' : 'lost';
  return chargeback.documentationStatus === 'pending' ? 'open' : 'in_review';
}
