import { Injectable } from '@nestjs/common';
import { SQL, and, count, eq, inArray, lt } from 'drizzle-orm';
import { Database, Tx } from '../database/database';
import { Keyset, newestFirst, olderThan } from '../database/keyset';
import { DisputeRow, DisputeStatus, NewDisputeRow, disputes } from './disputes.schema';

export interface DisputeFilters {
  status?: DisputeStatus;
  /** Documentation due strictly before this instant (disputes without a deadline are left out). */
  deadlineBefore?: Date;
  credentialId?: string;
  /** The caller's token is limited to these credentials. */
  credentialIds?: readonly string[];
}

/** What a read of the chargeback sets on our row. */
export type DisputeChanges = Omit<NewDisputeRow, 'id' | 'createdAt' | 'updatedAt'>;

@Injectable()
export class DisputesRepository {
  constructor(private readonly database: Database) {}

  async findByMercadopagoId(mercadopagoId: string): Promise<DisputeRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(disputes)
      .where(eq(disputes.mercadopagoId, mercadopagoId));
    return row;
  }

  async lockByMercadopagoId(tx: Tx, mercadopagoId: string): Promise<DisputeRow | undefined> {
    const [row] = await tx
      .select()
      .from(disputes)
      .where(eq(disputes.mercadopagoId, mercadopagoId))
      .for('update');
    return row;
  }

  /** undefined when another transaction recorded the same chargeback first. */
  async insert(tx: Tx, values: DisputeChanges): Promise<DisputeRow | undefined> {
    const [row] = await tx
      .insert(disputes)
      .values({ ...values, createdAt: new Date() })
      .onConflictDoNothing({ target: disputes.mercadopagoId })
      .returning();
    return row;
  }

  async update(tx: Tx, id: string, values: DisputeChanges): Promise<DisputeRow> {
    const [row] = await tx
      .update(disputes)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(disputes.id, id))
      .returning();
    return row;
  }

  async findById(id: string): Promise<DisputeRow | undefined> {
    const [row] = await this.database.db.select().from(disputes).where(eq(disputes.id, id));
    return row;
  }

  list(filters: DisputeFilters, cursor: Keyset | undefined, limit: number): Promise<DisputeRow[]> {
    const conditions = [
      filters.status && eq(disputes.status, filters.status),
      filters.deadlineBefore && lt(disputes.documentationDeadline, filters.deadlineBefore),
      filters.credentialId && eq(disputes.credentialId, filters.credentialId),
      filters.credentialIds && inArray(disputes.credentialId, [...filters.credentialIds]),
      cursor && olderThan(disputes.createdAt, disputes.id, cursor),
    ].filter((c): c is SQL => Boolean(c));
    return this.database.db
      .select()
      .from(disputes)
      .where(and(...conditions))
      .orderBy(...newestFirst(disputes.createdAt, disputes.id))
      .limit(limit);
  }

  async countByStatus(): Promise<Array<{ status: DisputeStatus; count: number }>> {
    const rows = await this.database.db
      .select({ status: disputes.status, count: count() })
      .from(disputes)
      .groupBy(disputes.status);
    return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
  }
}
