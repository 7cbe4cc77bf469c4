import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { RequestValidationError } from '../common/errors/domain-error';

/** A position in a list ordered newest first: the last row's (timestamp, id). */
export interface Keyset {
  at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to callers; carries milliseconds, so listed timestamps must be stored at ms too. */
export const encodeKeyset = (at: Date, id: string) =>
  Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

export function decodeKeyset(cursor: string): Keyset {
  const [text, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(text);
  if (!id || !UUID.test(id) || Number.isNaN(at.getTime())) {
    throw new RequestValidationError([
      { field: 'cursor', messages: ['is not a cursor this service gave out'] },
    ]);
  }
  return { at, id };
}

/** Matches the (at DESC, id DESC) indexes exactly (drizzle-kit writes NULLS LAST): no sort. */
export const newestFirst = (at: AnyPgColumn, id: AnyPgColumn): SQL[] => [
  sql`${at} DESC NULLS LAST`,
  sql`${id} DESC NULLS LAST`,
];

/** Rows after the keyset. A row comparison, unlike the equivalent OR, is one index range. */
export const olderThan = (at: AnyPgColumn, id: AnyPgColumn, keyset: Keyset): SQL =>
  sql`(${at}, ${id}) < (${keyset.at.toISOString()}::timestamptz, ${keyset.id}::uuid)`;

/** The paging part of every list query: `limit` and the previous page's `next_cursor`. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 20;

/**
 * Reads one page through `list`, asked for one row more than the page so the next cursor is
 * given only when there is a next page.
 */
export async function readPage<Row, Dto>(
  query: PageQuery,
  list: (cursor: Keyset | undefined, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => Keyset,
  toDto: (row: Row) => Dto,
): Promise<{ data: Dto[]; next_cursor: string | null }> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await list(
    query.cursor === undefined ? undefined : decodeKeyset(query.cursor),
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const last = page.length > 0 ? keyOf(page[page.length - 1]) : undefined;
  return {
    data: page.map(toDto),
    next_cursor: rows.length > limit && last ? encodeKeyset(last.at, last.id) : null,
  };
}
