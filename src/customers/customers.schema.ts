import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Our record of a Mercado Pago customer, so a lookup by email needs no call to Mercado Pago.
 * Cards are not copied here: Mercado Pago holds them and is asked each time.
 */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    credentialId: uuid('credential_id').notNull(),
    /** Mercado Pago's id, e.g. "247711297-jxOV430go9fx2e"; what `payer.id` needs when paying. */
    mercadopagoId: text('mercadopago_id').notNull(),
    /** Lower-cased: one customer per email and credentials, like Mercado Pago per account. */
    email: text('email').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('customers_credential_email_idx').on(t.credentialId, t.email)],
);

export type CustomerRow = typeof customers.$inferSelect;
export type NewCustomerRow = typeof customers.$inferInsert;
