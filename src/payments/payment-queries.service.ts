import { Injectable } from '@nestjs/common';
import { asc, eq } from 'drizzle-orm';
import { Principal, mayUseCredentials } from '../auth/principal';
import { Database } from '../database/database';
import { Keyset } from '../database/keyset';
import { toMajorNumber } from '../common/money';
import { disputes } from '../disputes/disputes.schema';
import { PaymentDisputeDto, RefundDto } from './dto/payment.dto';
import { PaymentError } from './payments.errors';
import { PaymentFilters, PaymentsRepository } from './payments.repository';
import { PaymentRow } from './payments.schema';

/** Reads only: payments and their refunds as we hold them. */
@Injectable()
export class PaymentQueriesService {
  constructor(
    private readonly database: Database,
    private readonly payments: PaymentsRepository,
  ) {}

  /** A caller limited to other credentials is told it does not exist. */
  async get(id: string, caller: Pick<Principal, 'credentialIds'> = {}): Promise<PaymentRow> {
    const row = await this.payments.findById(this.database.db, id);
    if (!row || !mayUseCredentials(caller, row.credentialId)) throw PaymentError.notFound(id);
    return row;
  }

  /** Before a command on a payment: only when the caller is limited to some credentials. */
  async checkVisible(id: string, caller: Pick<Principal, 'credentialIds'>): Promise<void> {
    if (caller.credentialIds) await this.get(id, caller);
  }

  list(filters: PaymentFilters, cursor: Keyset | undefined, limit: number): Promise<PaymentRow[]> {
    return this.payments.list(filters, cursor, limit);
  }

  /** The payment's disputes, oldest first (disputes/ writes them; this only shows them). */
  async disputes(payment: PaymentRow): Promise<PaymentDisputeDto[]> {
    const rows = await this.database.db
      .select()
      .from(disputes)
      .where(eq(disputes.paymentId, payment.id))
      .orderBy(asc(disputes.createdAt), asc(disputes.id));
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      amount: toMajorNumber(row.amount, row.currencyId),
      documentation_deadline: row.documentationDeadline?.toISOString() ?? null,
    }));
  }

  async refunds(paymentId: string, caller: Pick<Principal, 'credentialIds'>): Promise<RefundDto[]> {
    const payment = await this.get(paymentId, caller);
    const rows = await this.payments.listRefunds(this.database.db, paymentId);
    return rows.map((row) => RefundDto.from(row, payment.currencyId));
  }
}
