import { invalidField } from './payments.errors';
import type { PageCursor } from './payments.repository';
import type { PaymentRow } from './payments.schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to callers: the last row's (created_at, id), the keyset the list is ordered by. */
export const encodeCursor = (row: PaymentRow) =>
  Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');

export function decodeCursor(cursor: string): PageCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at);
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw invalidField('cursor', 'is not a cursor this service gave out');
  }
  return { createdAt, id };
}
