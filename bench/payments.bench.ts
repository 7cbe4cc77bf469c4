/**
 * Create-payment throughput and latency: through the service vs. straight to the emulator with the
 * official SDK, in the same run, on PGlite and (with DATABASE_URL) on PostgreSQL. The emulator and
 * the service each run in their own process; this process only generates load. Bounded in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import MercadoPagoConfig, { Payment } from 'mercadopago';
import { AppConfig } from 'mercadopago/dist/utils/config';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
} from '../emulator/emulator.defaults';
import {
  Child,
  LoadResult,
  copyMigrations,
  fmt,
  freshPostgres,
  runLoad,
  startProcess,
} from './bench-support';

const DURATION_MS = Number(process.env.BENCH_DURATION ?? 8) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Card tokens are single use: a run stops early rather than reuse one. */
const TOKENS = Number(process.env.BENCH_TOKENS ?? 15000);
const ADMIN = `bench-admin-${randomUUID()}`;
const CARD = {
  card_number: '5031433215406351',
  security_code: '123',
  expiration_month: 11,
  expiration_year: 2030,
  cardholder: { name: 'APRO', identification: { type: 'CPF', number: '12345678909' } },
};
const PAYER = {
  email: 'test@testuser.com',
  identification: { type: 'CPF', number: '12345678909' },
};

/** Card tokens are single use: make enough beforehand, outside the measured time. */
async function cardTokens(emulatorUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const batch = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(
          `${emulatorUrl}/v1/card_tokens?public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(CARD),
          },
        );
        return ((await res.json()) as { id: string }).id;
      }),
    );
    tokens.push(...batch);
  }
  return tokens;
}

async function direct(emulatorUrl: string): Promise<LoadResult> {
  (AppConfig as unknown as { BASE_URL: string }).BASE_URL = emulatorUrl;
  const tokens = await cardTokens(emulatorUrl, TOKENS);
  return runLoad(
    CONCURRENCY,
    DURATION_MS,
    async (i) => {
      const config = new MercadoPagoConfig({
        accessToken: EMULATOR_DEFAULT_ACCESS_TOKEN,
        options: { timeout: 10_000, maxRetries: 0 },
      });
      const payment = await new Payment(config).create({
        body: {
          token: tokens[i],
          transaction_amount: 100,
          installments: 1,
          payment_method_id: 'master',
          payer: PAYER,
        },
        requestOptions: { idempotencyKey: randomUUID() },
      });
      return payment.status === 'approved';
    },
    tokens.length,
  );
}

async function throughService(emulatorUrl: string, serviceUrl: string): Promise<LoadResult> {
  const tokens = await cardTokens(emulatorUrl, TOKENS);
  return runLoad(
    CONCURRENCY,
    DURATION_MS,
    async (i) => {
      const res = await fetch(`${serviceUrl}/v1/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          token: tokens[i],
          transaction_amount: 100,
          installments: 1,
          payment_method_id: 'master',
          payer: PAYER,
        }),
      });
      const body = (await res.json()) as { status?: string };
      return res.status === 201 && body.status === 'approved';
    },
    tokens.length,
  );
}

async function startService(emulatorUrl: string, database: Record<string, string>): Promise<Child> {
  return startProcess(
    'src/main.js',
    {
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: ADMIN,
      MERCADOPAGO_API_URL: emulatorUrl,
      MERCADOPAGO_ACCESS_TOKEN: EMULATOR_DEFAULT_ACCESS_TOKEN,
      MERCADOPAGO_PUBLIC_KEY: EMULATOR_DEFAULT_PUBLIC_KEY,
      MERCADOPAGO_WEBHOOK_SECRET: EMULATOR_DEFAULT_WEBHOOK_SECRET,
      CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...database,
    },
    /"msg":"Listening on (http:\/\/[^"]+)"/,
    (match) => match[1],
  );
}

async function main(): Promise<void> {
  copyMigrations();
  const emulator = await startProcess(
    'emulator/main.js',
    { EMULATOR_PORT: '0', EMULATOR_TIME_SCALE: '0.001' },
    /listening on (http:\/\/\S+)/,
    (match) => match[1],
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-bench-'));
  const postgres = process.env.DATABASE_URL
    ? await freshPostgres(process.env.DATABASE_URL)
    : undefined;
  const targets: [string, Record<string, string>][] = [['PGlite', { DATA_DIR: dataDir }]];
  if (postgres) targets.push(['PostgreSQL', { DATABASE_URL: postgres.url, DATA_DIR: dataDir }]);
  console.log(
    `create payment, ${CONCURRENCY} concurrent callers, ${DURATION_MS / 1000} s per run, loopback\n`,
  );
  try {
    for (const [name, database] of targets) {
      const service = await startService(emulator.url, database);
      const sdk = await direct(emulator.url);
      const ours = await throughService(emulator.url, service.url);
      await service.stop();
      console.log(`[${name}]`);
      console.log(`  emulator via the SDK : ${fmt(sdk)}`);
      console.log(`  through the service  : ${fmt(ours)}`);
      console.log(
        `  service / direct     : throughput ×${(ours.perSecond / sdk.perSecond).toFixed(2)}, p50 ×${(ours.p50 / sdk.p50).toFixed(1)}, p99 ×${(ours.p99 / sdk.p99).toFixed(1)}\n`,
      );
    }
  } finally {
    await emulator.stop();
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
