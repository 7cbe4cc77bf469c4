/**
 * The least a payments relay can do, to measure what this machine allows: the payment's two
 * writes (the row before Mercado Pago is called, the answer before the caller hears it) and, for
 * its notification, the service's signature check, one write to acknowledge, the re-fetch and one
 * write to apply it (four workers, pausing while acknowledgements come in, as the service's worker
 * yields in a flood). No framework, validation, token, idempotency replay, events or logging. On PostgreSQL (DATABASE_URL, named statements) or PGlite (DATA_DIR).
 * `bench:payments` and `bench:webhooks` run it beside the service, so the service's cost reads as
 * what it adds over this floor, not over the SDK alone.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import MercadoPagoConfig, { Payment } from 'mercadopago';
import { AppConfig } from 'mercadopago/dist/utils/config';
import { Pool } from 'pg';
import { Secret } from '../src/common/secret';
import { verifySignature } from '../src/webhooks/inbound/signature';

/** Runs a statement (named on PostgreSQL); the ones that return rows return an `id`. */
type Query = (name: string, text: string, values: unknown[]) => Promise<{ rows: { id: string }[] }>;

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

(AppConfig as unknown as { BASE_URL: string }).BASE_URL = env('MERCADOPAGO_API_URL');
const payments = new Payment(
  new MercadoPagoConfig({
    accessToken: env('MERCADOPAGO_ACCESS_TOKEN'),
    options: { timeout: 10_000, maxRetries: 0 },
  }),
);
const secrets = [new Secret(env('MERCADOPAGO_WEBHOOK_SECRET'))];
let notificationUrl = '';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS floor_payments (
    id bigserial PRIMARY KEY, idempotency_key uuid NOT NULL UNIQUE, amount numeric(14, 2) NOT NULL,
    mp_id text UNIQUE, status text NOT NULL, status_detail text);
  CREATE TABLE IF NOT EXISTS floor_inbox (id bigserial PRIMARY KEY, payment_id text NOT NULL)`;

async function connect(): Promise<{ query: Query; end(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    await pool.query(SCHEMA);
    return {
      query: (name, text, values) => pool.query<{ id: string }>({ name, text, values }),
      end: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const lite = await PGlite.create(env('DATA_DIR'));
  await lite.exec(SCHEMA);
  return {
    query: (_name, text, values) => lite.query<{ id: string }>(text, values),
    end: () => lite.close(),
  };
}
let db: Awaited<ReturnType<typeof connect>>;

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

async function pay(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const input = (await body(req)) as Record<string, unknown>;
  const key = String(req.headers['idempotency-key'] ?? randomUUID());
  const stored = await db.query(
    'floor-insert',
    `INSERT INTO floor_payments (idempotency_key, amount, status) VALUES ($1, $2, 'pending') RETURNING id`,
    [key, String(input.transaction_amount)],
  );
  const payment = await payments.create({
    body: { ...input, notification_url: notificationUrl },
    requestOptions: { idempotencyKey: key },
  });
  await db.query(
    'floor-settle',
    'UPDATE floor_payments SET mp_id = $2, status = $3, status_detail = $4 WHERE id = $1',
    [stored.rows[0].id, String(payment.id), payment.status, payment.status_detail],
  );
  send(res, 201, { id: stored.rows[0].id, status: payment.status });
}

async function notified(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  await body(req);
  const dataId = url.searchParams.get('data.id') ?? '';
  const header = (name: string) => req.headers[name] as string | undefined;
  const request = { signature: header('x-signature'), requestId: header('x-request-id'), dataId };
  if (!verifySignature(request, secrets, 0).valid) return send(res, 401, { error: 'signature' });
  const inbox = await db.query(
    'floor-ack',
    'INSERT INTO floor_inbox (payment_id) VALUES ($1) RETURNING id',
    [dataId],
  );
  send(res, 200, {});
  lastAck = performance.now();
  queue.push({ inbox: inbox.rows[0].id, dataId });
  while (workers < 4 && queue.length > workers) {
    workers++;
    void work().finally(() => workers--);
  }
}

const queue: { inbox: string; dataId: string }[] = [];
let workers = 0;
let lastAck = 0;

async function work(): Promise<void> {
  for (let next = queue.shift(); next; next = queue.shift()) {
    const busy = lastAck + 5 - performance.now();
    if (busy > 0) await new Promise((resolve) => setTimeout(resolve, busy));
    await apply(next.inbox, next.dataId).catch((error: unknown) => console.error(error));
  }
}

async function apply(inbox: string, dataId: string): Promise<void> {
  const payment = await payments.get({ id: dataId });
  await db.query(
    'floor-apply',
    `WITH done AS (DELETE FROM floor_inbox WHERE id = $1)
           UPDATE floor_payments SET status = $3, status_detail = $4 WHERE mp_id = $2`,
    [inbox, dataId, payment.status, payment.status_detail],
  );
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  const handle =
    req.method === 'POST' && url.pathname === '/v1/payments'
      ? pay(req, res)
      : req.method === 'POST' && url.pathname.startsWith('/webhooks')
        ? notified(req, res, url)
        : Promise.resolve(send(res, 404, {}));
  handle.catch((error: unknown) => {
    if (!res.headersSent) send(res, 500, { error: String(error) });
  });
});

void connect().then((connected) => {
  db = connected;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    notificationUrl = `http://127.0.0.1:${port}/webhooks?source_news=webhooks`;
    console.log(`floor listening on http://127.0.0.1:${port}`);
  });
});
process.on('SIGTERM', () => server.close(() => void db.end()));
