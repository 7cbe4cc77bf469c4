import { Injectable } from '@nestjs/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { Database } from '../database/database';
import { CustomerRow, NewCustomerRow, customers } from './customers.schema';

@Injectable()
export class CustomersRepository {
  constructor(private readonly database: Database) {}

  async findById(id: string): Promise<CustomerRow | undefined> {
    const [row] = await this.database.db.select().from(customers).where(eq(customers.id, id));
    return row;
  }

  async findByEmail(credentialId: string, email: string): Promise<CustomerRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(customers)
      .where(and(eq(customers.credentialId, credentialId), eq(customers.email, email)));
    return row;
  }

  listByEmail(
    email: string,
    credentialId?: string,
    credentialIds?: readonly string[],
  ): Promise<CustomerRow[]> {
    return this.database.db
      .select()
      .from(customers)
      .where(
        and(
          eq(customers.email, email),
          credentialId ? eq(customers.credentialId, credentialId) : undefined,
          credentialIds ? inArray(customers.credentialId, [...credentialIds]) : undefined,
        ),
      )
      .orderBy(asc(customers.createdAt), asc(customers.id));
  }

  /**
   * Inserts, or gives back the row a concurrent request stored first for the same credentials
   * and email (the unique index decides), so two creates never make two customers.
   */
  async insertOrGet(values: NewCustomerRow): Promise<{ row: CustomerRow; created: boolean }> {
    const [inserted] = await this.database.db
      .insert(customers)
      .values(values)
      .onConflictDoNothing({ target: [customers.credentialId, customers.email] })
      .returning();
    if (inserted) return { row: inserted, created: true };
    const existing = await this.findByEmail(values.credentialId, values.email);
    if (!existing) throw new Error(`customer ${values.email} conflicted but is not there`);
    return { row: existing, created: false };
  }
}
