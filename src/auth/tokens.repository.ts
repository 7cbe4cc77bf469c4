import { Injectable } from '@nestjs/common';
import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { Database } from '../database/database';
import { ServiceTokenRow, serviceTokens } from './tokens.schema';

@Injectable()
export class TokensRepository {
  constructor(private readonly database: Database) {}

  async insert(values: {
    name: string;
    prefix: string;
    tokenHash: string;
    scopes: string[];
    credentialIds: string[] | null;
  }): Promise<ServiceTokenRow> {
    const [row] = await this.database.db.insert(serviceTokens).values(values).returning();
    return row;
  }

  list(): Promise<ServiceTokenRow[]> {
    return this.database.db
      .select()
      .from(serviceTokens)
      .orderBy(desc(serviceTokens.createdAt), desc(serviceTokens.id));
  }

  async findActiveByHash(tokenHash: string): Promise<ServiceTokenRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(serviceTokens)
      .where(and(eq(serviceTokens.tokenHash, tokenHash), isNull(serviceTokens.revokedAt)));
    return row;
  }

  async revoke(id: string): Promise<ServiceTokenRow | undefined> {
    const [row] = await this.database.db
      .update(serviceTokens)
      .set({ revokedAt: sql`coalesce(${serviceTokens.revokedAt}, now())` })
      .where(eq(serviceTokens.id, id))
      .returning();
    return row;
  }

  /** Records use at most once a minute per token, so reads do not turn into a write each. */
  async touch(id: string): Promise<void> {
    await this.database.db
      .update(serviceTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          eq(serviceTokens.id, id),
          or(
            isNull(serviceTokens.lastUsedAt),
            lt(serviceTokens.lastUsedAt, sql`now() - interval '1 minute'`),
          ),
        ),
      );
  }

  async countTokens(): Promise<{ all: number; active: number }> {
    const [row] = await this.database.db
      .select({ all: count(), revoked: count(serviceTokens.revokedAt) })
      .from(serviceTokens);
    return { all: Number(row.all), active: Number(row.all) - Number(row.revoked) };
  }
}
