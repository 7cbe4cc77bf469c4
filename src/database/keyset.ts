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
