import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../common/secret';

export type SignatureFailure =
  'missing_signature' | 'malformed_signature' | 'mismatch' | 'timestamp_out_of_tolerance';

export type SignatureResult =
  { valid: true; secretIndex: number } | { valid: false; reason: SignatureFailure };

export interface SignedRequest {
  /** The raw `x-signature` header. */
  signature: string | undefined;
  /** The raw `x-request-id` header. */
  requestId: string | undefined;
  /** `data.id` from the query string (never the body: the body is not signed). */
  dataId: string | undefined;
}

/**
 * Mercado Pago's manifest: `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, a pair dropped
 * when its value is missing (ts never is), with the literal `;` after every pair.
 */
export function buildManifest(
  dataId: string | undefined,
  requestId: string | undefined,
  ts: string,
): string {
  return `${dataId ? `id:${dataId};` : ''}${requestId ? `request-id:${requestId};` : ''}ts:${ts};`;
}

export function sign(secret: string, manifest: string): string {
  return createHmac('sha256', secret).update(manifest).digest('hex');
}

/** `ts=…,v1=…`: parts split on `,`, each on its first `=`, both sides trimmed; unknown keys ignored. */
function parseHeader(header: string): { ts: string; v1: string } | undefined {
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const ts = parts.get('ts');
  const v1 = parts.get('v1');
  if (!ts || !/^\d{1,16}$/.test(ts) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return undefined;
  return { ts, v1: v1.toLowerCase() };
}

/**
 * The docs say alphanumeric ids are signed lower-cased; the SDKs (since June 2026) say as
 * received. Try as received first, then lower-cased. Numeric payment ids have one form.
 */
function idCandidates(dataId: string | undefined): Array<string | undefined> {
  if (dataId === undefined) return [undefined];
  const lower = dataId.toLowerCase();
  return lower === dataId ? [dataId] : [dataId, lower];
}

/** The docs say `ts` is milliseconds, real requests and SDKs show seconds: read both. */
export function timestampMs(ts: string): number {
  const value = Number(ts);
  return value > 1e12 ? value : value * 1000;
}

/**
 * Checks `x-signature` against each secret in turn (current, then previous during a rotation
 * overlap) with a constant-time compare. `toleranceSeconds` 0 leaves the timestamp unchecked,
 * as Mercado Pago does not mandate a window.
 */
export function verifySignature(
  request: SignedRequest,
  secrets: readonly Secret[],
  toleranceSeconds: number,
  now: number = Date.now(),
): SignatureResult {
  if (!request.signature) return { valid: false, reason: 'missing_signature' };
  const parsed = parseHeader(request.signature);
  if (!parsed) return { valid: false, reason: 'malformed_signature' };
  const expected = Buffer.from(parsed.v1, 'hex');
  for (const [secretIndex, secret] of secrets.entries()) {
    for (const id of idCandidates(request.dataId)) {
      const manifest = buildManifest(id, request.requestId, parsed.ts);
      if (timingSafeEqual(Buffer.from(sign(secret.reveal(), manifest), 'hex'), expected)) {
        const skew = Math.abs(now - timestampMs(parsed.ts));
        if (toleranceSeconds > 0 && skew > toleranceSeconds * 1000) {
          return { valid: false, reason: 'timestamp_out_of_tolerance' };
        }
        return { valid: true, secretIndex };
      }
    }
  }
  return { valid: false, reason: 'mismatch' };
}
