import { canonicalJson } from '../common/body.util';
import { MpError } from '../common/mp-error.util';

interface Entry {
  fingerprint: string;
  /** Re-renders the resource, so a replay shows its current state as Mercado Pago does. */
  replay: () => unknown;
}

/**
 * `X-Idempotency-Key` per seller: the same key with the same request gives back what the first one
 * made; with another request it is a 409 (what the Orders API answers; the Payments API leaves it
 * undocumented, and the SDK maps 409 to MPIdempotencyError). Keys are shared by every write route
 * of a seller, so a key leaking from one call into the next (sdk-nodejs issue 481) shows up here.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** The stored answer for a replay, or null when the key is new. */
  lookup(userId: number, key: string, method: string, path: string, body: unknown): unknown {
    const entry = this.entries.get(`${userId}:${key}`);
    if (!entry) return null;
    if (entry.fingerprint !== fingerprint(method, path, body)) {
      throw new MpError(
        409,
        'idempotency key already used with a different request',
        [
          {
            code: 'idempotency_key_already_used',
            description: `X-Idempotency-Key ${key} was already used with a different request`,
          },
        ],
        'idempotency_key_already_used',
      );
    }
    return entry.replay();
  }

  remember(
    userId: number,
    key: string,
    method: string,
    path: string,
    body: unknown,
    replay: () => unknown,
  ): void {
    this.entries.set(`${userId}:${key}`, { fingerprint: fingerprint(method, path, body), replay });
  }

  clear(): void {
    this.entries.clear();
  }
}

function fingerprint(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${canonicalJson(body ?? {})}`;
}
