import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

/** Card tokens are 32 hex characters, like Mercado Pago's. */
export function cardTokenId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Ids count up from values that look like Mercado Pago's (payment ids are 64-bit in their API,
 * but stay safe integers here). They survive a reset so a service never sees an id twice.
 */
export class IdSequence {
  constructor(private next: number) {}

  take(): number {
    return this.next++;
  }
}
