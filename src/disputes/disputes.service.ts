import { Injectable, Logger } from '@nestjs/common';
import { Principal, mayUseCredentials } from '../auth/principal';
import { UsableCredentials } from '../credentials/credentials.service';
import { Database, Tx } from '../database/database';
import { Keyset } from '../database/keyset';
import { NewEvent, OutboxRepository } from '../events/outbox.repository';
import { PaymentCommandsService } from '../payments/payment-commands.service';
import type { PaymentRow } from '../payments/payments.schema';
import { DisputeGateway, GatewayChargeback } from './dispute-gateway.port';
import { CLOSED_STATUSES, disputeStatus } from './dispute-status';
import { DisputeChanges, DisputeFilters, DisputesRepository } from './disputes.repository';
import { DisputeNotFoundError } from './disputes.errors';
import { DisputesMetrics } from './disputes.metrics';
import type { DisputeRow } from './disputes.schema';
import { DisputeDto } from './dto/dispute.dto';

export type DisputeEventType = 'dispute.opened' | 'dispute.updated' | 'dispute.closed';

const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

/**
 * The only writer of disputes: re-reads a chargeback from Mercado Pago (never trusting the
 * notification) and records what changed, with its events in the same transaction.
 */
@Injectable()
export class DisputesService {
  private readonly logger = new Logger('Disputes');

  constructor(
    private readonly database: Database,
    private readonly repository: DisputesRepository,
    private readonly gateway: DisputeGateway,
    private readonly payments: PaymentCommandsService,
    private readonly outbox: OutboxRepository,
    private readonly metrics: DisputesMetrics,
  ) {}

  /**
   * Mercado Pago says chargeback `id` changed: read it, and its payment too (a chargeback moves
   * the payment, and a payment we never saw is adopted on the way), then record it.
   */
  async refresh(credentials: UsableCredentials, id: string): Promise<DisputeRow> {
    const chargeback = await this.gateway.getChargeback(credentials.accessToken, id);
    // Mercado Pago's case lists payments; ours links the first (a card chargeback has one).
    const payment = await this.payments.refresh(credentials, chargeback.paymentIds[0]);
    const changes = this.changes(payment, chargeback);
    const held = await this.repository.findByMercadopagoId(chargeback.id);
    if (held && !this.applies(held, changes)) return held;
    return this.database.transaction(async (tx) => {
      const locked = await this.repository.lockByMercadopagoId(tx, chargeback.id);
      if (locked) return this.update(tx, locked, changes);
      const inserted = await this.repository.insert(tx, changes);
      if (!inserted) {
        // Another transaction recorded it between our look and our insert.
        const raced = await this.repository.lockByMercadopagoId(tx, chargeback.id);
        if (!raced) throw new Error(`chargeback ${chargeback.id} vanished while recorded`);
        return this.update(tx, raced, changes);
      }
      const types: DisputeEventType[] = ['dispute.opened'];
      if (CLOSED_STATUSES.includes(inserted.status)) types.push('dispute.closed');
      await this.outbox.append(tx, this.events(inserted, types));
      this.metrics.countOpened();
      this.logger.log(
        `Dispute ${inserted.id} opened (${inserted.status}) on payment ${payment.id}`,
      );
      return inserted;
    });
  }

  async get(id: string, caller: Pick<Principal, 'credentialIds'> = {}): Promise<DisputeRow> {
    const row = await this.repository.findById(id);
    if (!row || !mayUseCredentials(caller, row.credentialId)) throw new DisputeNotFoundError(id);
    return row;
  }

  list(filters: DisputeFilters, cursor: Keyset | undefined, limit: number): Promise<DisputeRow[]> {
    return this.repository.list(filters, cursor, limit);
  }

  private async update(tx: Tx, held: DisputeRow, changes: DisputeChanges): Promise<DisputeRow> {
    if (!this.applies(held, changes)) return held;
    const updated = await this.repository.update(tx, held.id, {
      ...changes,
      resolvedAt: changes.resolvedAt && (held.resolvedAt ?? changes.resolvedAt),
    });
    const closing =
      CLOSED_STATUSES.includes(updated.status) && !CLOSED_STATUSES.includes(held.status);
    await this.outbox.append(
      tx,
      this.events(updated, [closing ? 'dispute.closed' : 'dispute.updated']),
    );
    if (updated.status !== held.status) {
      this.logger.log(`Dispute ${held.id} ${held.status} → ${updated.status}`);
    }
    return updated;
  }

  /** Newer or equal (and different): an older read arriving last never overwrites a newer one. */
  private applies(held: DisputeRow, changes: DisputeChanges): boolean {
    const incoming = changes.gatewayUpdatedAt?.getTime();
    const current = held.gatewayUpdatedAt?.getTime();
    if (incoming !== undefined && current !== undefined && incoming < current) return false;
    return (Object.keys(changes) as (keyof DisputeChanges)[]).some(
      (key) => key !== 'resolvedAt' && !same(held[key], changes[key]),
    );
  }

  private changes(payment: PaymentRow, chargeback: GatewayChargeback): DisputeChanges {
    const status = disputeStatus(chargeback);
    return {
      // The dispute is its payment's: a token limited to those credentials sees both.
      credentialId: payment.credentialId,
      mercadopagoId: chargeback.id,
      paymentId: payment.id,
      paymentMercadopagoId: chargeback.paymentIds[0],
      status,
      documentationStatus: chargeback.documentationStatus,
      currencyId: chargeback.currencyId,
      amount: chargeback.amount,
      reason: chargeback.reason,
      documentationRequired: chargeback.documentationRequired,
      documentationDeadline: chargeback.documentationDeadline,
      coverageApplied: chargeback.coverageApplied,
      coverageEligible: chargeback.coverageEligible,
      liveMode: chargeback.liveMode,
      gatewayCreatedAt: chargeback.dateCreated,
      gatewayUpdatedAt: chargeback.dateLastUpdated,
      resolvedAt: CLOSED_STATUSES.includes(status)
        ? (chargeback.dateLastUpdated ?? new Date())
        : null,
    };
  }

  private events(row: DisputeRow, types: DisputeEventType[]): NewEvent[] {
    const payload = { dispute: DisputeDto.from(row) };
    return types.map((type) => ({ type, subjectId: row.id, payload }));
  }
}
