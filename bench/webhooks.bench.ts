/**
 * Mercado Pago notifications in: acknowledgements per second and their p50/p99 latency at
 * increasing offered rates, then the lag from acknowledgement to the payment applied, on PGlite
 * and (when DATABASE_URL is set) on PostgreSQL. The service runs in this process with its
 * embedded emulator; each phase is bounded in time and the process exits by itself.
 */
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../emulator/emulator.defaults';
import { createApp } from '../src/app.setup';
import { loadConfig } from '../src/config/app-config';
import { CredentialsService } from '../src/credentials/credentials.service';
import { Database } from '../src/database/database';
import { MercadoPagoEndpoint } from '../src/mercadopago/mercadopago-endpoint';
import { buildManifest, sign } from '../src/webhooks/inbound/signature';
import { copyMigrations, freshPostgres } from './bench-support';

const PHASE_S = Number(process.env.BENCH_DURATION ?? 5);
const RATES = (process.env.BENCH_RATES ?? '50,100,200,500,1000').split(',').map(Number);
const PAYMENTS = 200;
const LAG_PAYMENTS = 100;
const DRAIN_DEADLINE_MS = 60_000;

type Json = Record<string, unknown>;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function mp(base: string, method: string, route: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}`,
      'content-type': 'application/json',
      'x-idempotency-key': randomUUID(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Json;
}

/** Payments made at Mercado Pago directly (no notification_url: the bench sends them). */
async function seedPayments(base: string, count: number, cardholder: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const token = await mp(base, 'POST', '/v1/card_tokens', {
      card_number: '5031433215406351',
      security_code: '123',
      expiration_month: 11,
      expiration_year: 2030,
      cardholder: { name: cardholder, identification: { type: 'CPF', number: '12345678909' } },
    });
    const payment = await mp(base, 'POST', '/v1/payments', {
      transaction_amount: 100,
      token: token.id,
      installments: 1,
      payment_method_id: 'master',
      payer: { email: 'bench@testuser.com' },
    });
    ids.push(String(payment.id));
  }
  return ids;
}

function signed(dataId: string): Record<string, string> {
  const requestId = randomUUID();
  const ts = String(Date.now());
  const v1 = sign(EMULATOR_DEFAULT_WEBHOOK_SECRET, buildManifest(dataId, requestId, ts));
  return {
    'content-type': 'application/json',
    'x-request-id': requestId,
    'x-signature': `ts=${ts},v1=${v1}`,
  };
}

/** Waits until the inbox has nothing pending or processing; returns how long that took. */
async function drain(database: Database): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_DEADLINE_MS) {
    const result = await database.db.execute(
      sql`SELECT count(*)::int AS open FROM mercadopago_notifications WHERE status IN ('pending', 'processing')`,
    );
    if (Number((result as { rows: { open: number }[] }).rows[0].open) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

/** First receipt (the acknowledgement) to processed (payment applied), for rows since `from`. */
async function lags(database: Database, from: Date): Promise<number[]> {
  const result = await database.db.execute(
    sql`SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM mercadopago_notifications
        WHERE status = 'done' AND received_at >= ${from.toISOString()}::timestamptz ORDER BY 1`,
  );
  return (result as { rows: { ms: number | string }[] }).rows.map((r) => Number(r.ms));
}

async function benchOn(label: string, env: Record<string, string>): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: `admin-${randomBytes(18).toString('hex')}`,
    EMULATOR_PORT: '0',
    RECONCILE_INTERVAL_SECONDS: '0',
    ...env,
  });
  const app = await createApp(config, { logDestination: { write: () => undefined } });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const base = app.get(MercadoPagoEndpoint).baseUrl;
    const database = app.get(Database);
    const credentials = await app.get(CredentialsService).findDefault();
    if (!credentials) throw new Error('no default credentials');
    const credentialId = credentials.id;
    const ids = await seedPayments(base, PAYMENTS, 'APRO');
    console.log(`\n== ${label}: ${PAYMENTS} payments at the emulator, ${PHASE_S} s per rate`);
    console.log('offered/s   acked/s   p50 ms   p99 ms   non-2xx   queue drained after (ms)');

    for (const rate of RATES) {
      let n = 0;
      const result = await autocannon({
        url,
        connections: 32,
        overallRate: rate,
        duration: PHASE_S,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const dataId = ids[n++ % ids.length];
              return {
                ...request,
                path: `/webhooks/mercadopago/${credentialId}?data.id=${dataId}&type=payment`,
                headers: signed(dataId),
                body: JSON.stringify({
                  action: 'payment.updated',
                  data: { id: dataId },
                  type: 'payment',
                }),
              };
            },
          },
        ],
      });
      // The same payments again: each read finds nothing newer, so rows fold and no lag is kept.
      const drained = await drain(database);
      console.log(
        [
          String(rate).padStart(9),
          (result.requests.average ?? 0).toFixed(0).padStart(9),
          result.latency.p50.toFixed(1).padStart(8),
          result.latency.p99.toFixed(1).padStart(8),
          String(result.non2xx + result.errors).padStart(9),
          drained.toFixed(0).padStart(10),
        ].join(' '),
      );
    }

    // Real changes: payments Mercado Pago moved that we have never seen, one notification each.
    const changed = await seedPayments(base, LAG_PAYMENTS, 'CONT');
    const from = new Date();
    for (const dataId of changed) {
      await fetch(`${url}/webhooks/mercadopago/${credentialId}?data.id=${dataId}&type=payment`, {
        method: 'POST',
        headers: signed(dataId),
        body: JSON.stringify({ action: 'payment.created', data: { id: dataId }, type: 'payment' }),
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await drain(database);
    const lag = await lags(database, from);
    console.log(
      `ack -> payment recorded, ${lag.length} new payments at ~100/s: lag p50 ${percentile(lag, 0.5).toFixed(1)} ms, p99 ${percentile(lag, 0.99).toFixed(1)} ms`,
    );
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  copyMigrations();
  const dir = mkdtempSync(path.join(tmpdir(), 'mp-bench-webhooks-'));
  try {
    await benchOn('PGlite', { DATA_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!process.env.DATABASE_URL) return;
  const postgres = await freshPostgres(process.env.DATABASE_URL);
  try {
    await benchOn('PostgreSQL', { DATABASE_URL: postgres.url, DATA_DIR: dir });
  } finally {
    await postgres.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
