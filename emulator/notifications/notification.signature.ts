import { createHmac } from 'node:crypto';

/**
 * Mercado Pago's manifest: `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, each pair dropped
 * when its value is missing (ts never is), with the literal `;` after every pair.
 */
export function buildManifest(
  dataId: string | undefined,
  requestId: string | undefined,
  ts: string,
): string {
  return `${dataId ? `id:${dataId};` : ''}${requestId ? `request-id:${requestId};` : ''}ts:${ts};`;
}

/** Lower-case hex HMAC-SHA256 of the manifest with the application's webhook secret. */
export function signManifest(secret: string, manifest: string): string {
  return createHmac('sha256', secret).update(manifest).digest('hex');
}

export function signatureHeader(
  secret: string,
  dataId: string | undefined,
  requestId: string | undefined,
  ts: string,
): string {
  return `ts=${ts},v1=${signManifest(secret, buildManifest(dataId, requestId, ts))}`;
}
