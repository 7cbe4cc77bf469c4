import { type SQL, sql } from 'drizzle-orm';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import type { Executor } from './database';

const dialect = new PgDialect();

/** A value filled in at each run of a `Statement`. */
export const param = (name: string) => sql.placeholder(name);

/**
 * A statement whose SQL is built once, with `param` placeholders filled in at each run, and
 * named so PostgreSQL parses and plans it once per connection. For the hot path, where drizzle
 * would otherwise rebuild the same text on every call. Placeholders skip drizzle's column
 * encoders: pass JSON columns as `JSON.stringify` text.
 */
export class Statement<Row> {
  private readonly query: { sql: string; params: unknown[] };

  constructor(
    private readonly name: string,
    query: SQL,
  ) {
    this.query = dialect.sqlToQuery(query);
  }

  /** The rows it returns, as the driver gives them (column names, driver types). */
  async run(executor: Executor, values: Record<string, unknown>): Promise<Row[]> {
    const session = (executor as unknown as { _: { session: PgSession } })._.session;
    const prepared = session.prepareQuery(this.query, undefined, this.name, false);
    const result = (await prepared.execute(values)) as { rows: Row[] };
    return result.rows;
  }
}
