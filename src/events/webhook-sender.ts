import { Injectable } from '@nestjs/common';

/** What one POST to a subscriber came to. */
export interface AttemptResult {
  ok: boolean;
  status: number | null;
  /** At most RESPONSE_BYTES of the answer. */
  body: string | null;
  error: string | null;
  durationMs: number;
}

const TIMEOUT_MS = 10_000;
const RESPONSE_BYTES = 1024;

/** Duck-typed: fetch's errors may come from another realm (jest's VM), so no `instanceof`. */
function describe(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? message ?? String(error);
}

/** Reads at most `limit` bytes of a body; leaving the loop early cancels the rest of the stream. */
async function head(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    size += chunk.byteLength;
    if (size >= limit) break;
  }
  // PostgreSQL text cannot hold NUL.
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8').replaceAll('\0', '');
}

/**
 * POSTs one signed event: a 10 s budget for the whole exchange, no redirects followed (a 3xx is a
 * failure the subscriber must fix, and following it could send the event somewhere unintended).
 */
@Injectable()
export class WebhookSender {
  async post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const answer = await head(response, RESPONSE_BYTES);
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        status: response.status,
        body: answer,
        error: ok ? null : `HTTP ${response.status}`,
        durationMs: elapsed(),
      };
    } catch (error) {
      return { ok: false, status: null, body: null, error: describe(error), durationMs: elapsed() };
    }
  }
}
