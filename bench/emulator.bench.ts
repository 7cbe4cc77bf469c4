/**
 * Throughput of the Mercado Pago emulator on loopback, so that it is never the bottleneck of a
 * service benchmark. Starts the compiled emulator in its own process (or uses EMULATOR_URL),
 * runs each scenario for a bounded time with autocannon, prints requests/s and latency, and exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../emulator/emulator.defaults';
import { cpuMs, emitResult } from './bench-support';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const AUTH = {
  authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}`,
  'content-type': 'application/json',
};
const CARD = JSON.stringify({
  card_number: '5031433215406351',
  security_code: '123',
  expiration_month: 11,
  expiration_year: 2030,
  cardholder: { name: 'APRO', identification: { type: 'CPF', number: '12345678909' } },
});

function paymentBody(token: string): string {
  return JSON.stringify({
    transaction_amount: 100,
    token,
    installments: 1,
    payment_method_id: 'master',
    payer: { email: 'test@testuser.com' },
  });
}

async function startEmulatorProcess(): Promise<{ url: string; child: ChildProcess | null }> {
  if (process.env.EMULATOR_URL) return { url: process.env.EMULATOR_URL, child: null };
  const child = spawn(process.execPath, [path.join(__dirname, '../emulator/main.js')], {
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_NOTIFICATION_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
  });
  return { url, child };
}

async function post(url: string, body: string): Promise<{ id: string | number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...AUTH, 'x-idempotency-key': randomUUID() },
    body,
  });
  return (await response.json()) as { id: string | number };
}

interface Scenario {
  name: string;
  /** HTTP requests per operation, to also report operations per second. */
  requestsPerOperation: number;
  path: string;
  options: Partial<autocannon.Options>;
}

async function run(url: string, scenario: Scenario, pid: number | undefined): Promise<void> {
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({
    url: `${url}${scenario.path}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: AUTH,
    ...scenario.options,
  });
  const perSecond = result.requests.average;
  const cpuAfter = cpuMs(pid);
  const perCpuSecond =
    cpuBefore === null || cpuAfter === null || cpuAfter === cpuBefore
      ? 'n/a'
      : String(Math.round((result.requests.total / (cpuAfter - cpuBefore)) * 1000));
  console.log(
    [
      scenario.name.padEnd(44),
      `${Math.round(perSecond).toString().padStart(7)} req/s`,
      scenario.requestsPerOperation > 1
        ? `(${Math.round(perSecond / scenario.requestsPerOperation)} ops/s)`.padEnd(14)
        : ''.padEnd(14),
      `p50 ${result.latency.p50} ms`,
      `p99 ${result.latency.p99} ms`,
      `errors ${result.errors + result.timeouts}`,
      `non-2xx ${result.non2xx}`,
      `${perCpuSecond} req per emulator CPU-s`,
    ].join('  '),
  );
  emitResult('emulator', 'n/a', scenario.name, {
    requests_per_s: perSecond,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  });
}

async function main(): Promise<void> {
  const { url, child } = await startEmulatorProcess();
  try {
    const token = await post(`${url}/v1/card_tokens`, CARD);
    const payment = await post(`${url}/v1/payments`, paymentBody(String(token.id)));
    console.log(
      `emulator ${url}; ${CONNECTIONS} connections, ${DURATION_S} s per scenario, node ${process.version}`,
    );
    const scenarios: Scenario[] = [
      {
        name: `GET /v1/payments/{id}`,
        requestsPerOperation: 1,
        path: `/v1/payments/${payment.id}`,
        options: {},
      },
      {
        name: 'POST /v1/card_tokens',
        requestsPerOperation: 1,
        path: '/v1/card_tokens',
        options: { method: 'POST', body: CARD },
      },
      {
        name: 'POST /v1/card_tokens + POST /v1/payments',
        requestsPerOperation: 2,
        path: '',
        options: {
          requests: [
            {
              method: 'POST',
              path: '/v1/card_tokens',
              body: CARD,
              onResponse: (_status, body, context: { token?: string }) => {
                context.token = (JSON.parse(body) as { id: string }).id;
              },
            },
            {
              method: 'POST',
              path: '/v1/payments',
              // A fresh X-Idempotency-Key per payment, as a real client sends.
              setupRequest: (request, context: { token?: string }) => ({
                ...request,
                headers: { ...AUTH, 'x-idempotency-key': randomUUID() },
                body: paymentBody(context.token ?? ''),
              }),
            },
          ],
        },
      },
    ];
    for (const scenario of scenarios) await run(url, scenario, child?.pid);
  } finally {
    child?.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
