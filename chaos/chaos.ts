/**
 * Chaos suite: a bounded load of payments, refunds, captures and cancels through the service
 * (its own process) against the emulator (its own process) while faults are injected (5xx, lost
 * answers, hangs, duplicated/reordered/late/early notifications) and the service is SIGKILLed and
 * restarted. Afterwards, faults cleared and reconciliation run, our rows are compared with the
 * emulator's payments; the process exits non-zero unless every count of harm is zero. Runs on
 * PGlite, and on PostgreSQL too when DATABASE_URL is set, where it first starts three instances
 * at the same moment on an empty database. Traffic stays on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../emulator/emulator.defaults';
import { PAYMENT_REFERENCE_KEY } from '../src/payments/payment-gateway.port';
import {
  Child,
  TEST_PAYER,
  copyAssets,
  cpuMs,
  createCardToken,
  freePort,
  freshPostgres,
  runLoad,
  serviceEnv,
  startEmulator,
  startService,
} from '../bench/bench-support';

const argv = process.argv.slice(2);
const SHORT = argv.includes('--short');

/** `--name=value`, else the environment variable, else the full or short default. */
function setting(name: string, variable: string, full: number, short: number): number {
  const given = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const raw = given ?? process.env[variable];
  const value = raw === undefined ? (SHORT ? short : full) : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} (${variable}) must be ≥ 0`);
  return value;
}

const PAYMENTS = setting('payments', 'CHAOS_PAYMENTS', 300, 60);
const CONCURRENCY = setting('concurrency', 'CHAOS_CONCURRENCY', 12, 6);
const LOAD_S = setting('duration', 'CHAOS_DURATION', 240, 25);
const KILLS = setting('kills', 'CHAOS_KILLS', 4, 2);
// Long enough for a lease left by a SIGKILLed holder (timeout × attempts + margin) to run out.
const SETTLE_S = setting('settle', 'CHAOS_SETTLE', 90, 90);
const randomSeed = randomBytes(4).readUInt32BE() >>> 1;
const SEED = setting('seed', 'CHAOS_SEED', randomSeed, randomSeed);
/** One caller operation, retried with the same key and body, gives up after this long. */
const OPERATION_DEADLINE_MS = setting('give-up', 'CHAOS_GIVE_UP', 60, 20) * 1000;
/** Short SDK timeouts so hangs cost little; faults hang for longer than one attempt. */
const SDK_TIMEOUT_MS = 1000;
const HANG_MS = 2500;
const ADMIN = `chaos-admin-${randomBytes(12).toString('hex')}`;

/**
 * mulberry32: a small seeded generator. Each payment, the injector and the killer draw from their
 * own, so a seed repeats the same plan however the callers interleave.
 */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;
/** Ids and statuses from JSON as text (null and undefined too, so a missing one never matches). */
const text = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : `${value as string}`;
const cents = (amount: unknown) => Math.round(Number(amount) * 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  /** 0: no answer (refused, reset, timed out). */
  status: number;
  body: Json;
}

async function send(url: string, method: string, body?: unknown, headers: Json = {}) {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(headers as Record<string, string>),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  } catch {
    return { status: 0, body: {} };
  }
}

const errorCode = (answer: Answer) => (answer.body.error as { code?: string } | undefined)?.code;

/** What a careful caller retries: no answer, 5xx, 429, and "still running" conflicts. */
const retriable = (a: Answer) =>
  a.status === 0 ||
  a.status >= 500 ||
  a.status === 429 ||
  errorCode(a) === 'IDEMPOTENCY_IN_PROGRESS' ||
  errorCode(a) === 'PAYMENT_BUSY';

interface CallerStats {
  attempts: number;
  noAnswer: number;
  serverErrors: Map<string, number>;
  outcomes: Map<string, number>;
  gaveUp: number;
}

/** The harness's view of one payment: what the caller was finally told. */
interface Order {
  reference: string;
  created?: Json;
  /** Refunds the caller was told were made: mercadopago id → amount in cents. */
  refunds: { mercadopagoId: unknown; cents: number }[];
}

class Caller {
  readonly stats: CallerStats = {
    attempts: 0,
    noAnswer: 0,
    serverErrors: new Map(),
    outcomes: new Map(),
    gaveUp: 0,
  };

  constructor(private readonly base: () => string) {}

  /** Same request (same key, same body) until a final answer or the deadline; undefined = none. */
  async final(
    label: string,
    method: string,
    route: string,
    body?: unknown,
    key?: string,
  ): Promise<Answer | undefined> {
    const deadline = Date.now() + OPERATION_DEADLINE_MS;
    const headers: Json = { authorization: `Bearer ${ADMIN}` };
    if (key) headers['idempotency-key'] = key;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      this.stats.attempts++;
      const answer = await send(`${this.base()}${route}`, method, body, headers);
      if (!retriable(answer)) {
        const outcome = `${label} ${answer.status} ${text(answer.body.status ?? errorCode(answer) ?? '')}`;
        count(this.stats.outcomes, outcome.trim());
        return answer;
      }
      if (answer.status === 0) this.stats.noAnswer++;
      else count(this.stats.serverErrors, `${label} ${answer.status} ${errorCode(answer) ?? ''}`);
      await sleep(Math.min(2000, 100 * attempt));
    }
    this.stats.gaveUp++;
    return undefined;
  }
}

function count(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** The faults one injection may add, each hitting a few requests. */
const FAULTS: [string, Json][] = [
  ['create 5xx', { method: 'POST', path: '/v1/payments', status: 503 }],
  ['create lost answer', { method: 'POST', path: '/v1/payments', status: 500, after: true }],
  ['create hang', { method: 'POST', path: '/v1/payments', timeout: true }],
  // The emulator notifies as it makes the payment: the notification beats the (late) answer.
  [
    'create early notification + hang',
    { method: 'POST', path: '/v1/payments', after: true, latency_ms: HANG_MS },
  ],
  [
    'create early notification',
    { method: 'POST', path: '/v1/payments', after: true, latency_ms: SDK_TIMEOUT_MS / 2 },
  ],
  ['read 5xx', { method: 'GET', path: '/v1/payments/:id', status: 500 }],
  ['read hang', { method: 'GET', path: '/v1/payments/:id', latency_ms: HANG_MS }],
  ['search 5xx', { method: 'GET', path: '/v1/payments/search', status: 502 }],
  ['refund 5xx', { method: 'POST', path: '/v1/payments/:id/refunds', status: 500 }],
  [
    'refund lost answer',
    { method: 'POST', path: '/v1/payments/:id/refunds', status: 502, after: true },
  ],
  ['refund hang', { method: 'POST', path: '/v1/payments/:id/refunds', timeout: true, after: true }],
  ['capture/cancel 5xx', { method: 'PUT', path: '/v1/payments/:id', status: 503 }],
  [
    'capture/cancel lost answer',
    { method: 'PUT', path: '/v1/payments/:id', status: 500, after: true },
  ],
];
const NOTIFICATION_FAULTS: [string, Json][] = [
  ['notification duplicate', { mode: 'duplicate' }],
  ['notification reorder', { mode: 'reorder', window_ms: 800 }],
  ['notification late', { mode: 'delay', delay_ms: 3000 }],
  ['notification drop', { mode: 'drop' }],
];

interface Target {
  name: string;
  env: Record<string, string>;
  /** Several instances may share it (PostgreSQL): the start-up race runs on it first. */
  shared: boolean;
}

interface Report {
  rows: [string, number][];
  info: string[];
}

/** Three instances at the same moment on the empty database: each must come up and be ready. */
async function startupRace(env: Record<string, string>): Promise<[string, number]> {
  const started = await Promise.allSettled([1, 2, 3].map(() => startService(env)));
  let ready = 0;
  for (const result of started) {
    if (result.status === 'fulfilled') {
      if ((await send(`${result.value.url}/health/ready`, 'GET')).status === 200) ready++;
      await result.value.stop();
    } else {
      console.error(`  an instance failed to start: ${String(result.reason)}`);
    }
  }
  return ['start-up failures (3 at once)', 3 - ready];
}

async function runTarget(target: Target): Promise<Report> {
  const run = `chaos-${SEED}-${target.name.toLowerCase()}`;
  const emulator = await startEmulator();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...serviceEnv(emulator.url, ADMIN),
    ...target.env,
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    RECONCILE_INTERVAL_SECONDS: '1',
    MERCADOPAGO_TIMEOUT_MS: String(SDK_TIMEOUT_MS),
    MERCADOPAGO_MAX_RETRIES: '1',
    WEBHOOK_RETRY_BASE_MS: '200',
    // Not yet a setting of the service (being added with the money-path fix); harmless before.
    PAYMENT_RESEND_WINDOW_SECONDS: '10',
    PAYMENT_SYNC_FIRST_SECONDS: '1',
  };
  const rows: [string, number][] = [];
  if (target.shared) rows.push(await startupRace({ ...env, PORT: '0' }));

  let service: Child = await startService(env);
  let serviceCpu = 0;
  const emulatorCpuBefore = cpuMs(emulator.pid) ?? 0;
  const restart = async (downMs: number) => {
    serviceCpu += cpuMs(service.pid) ?? 0;
    await service.stop('SIGKILL');
    await sleep(downMs);
    service = await startService(env);
  };

  const control = (route: string, body?: unknown) =>
    send(`${emulator.url}/__emulator${route}`, body === undefined ? 'DELETE' : 'POST', body);
  const faultsInjected = new Map<string, number>();
  const caller = new Caller(() => base);
  const orders: Order[] = [];
  let loading = true;
  let kills = 0;

  const injector = (async () => {
    const random = generator(SEED ^ 0x1f1f1f1f);
    while (loading) {
      const notification = random() < 0.3;
      const [label, fault] = notification
        ? NOTIFICATION_FAULTS[Math.floor(random() * NOTIFICATION_FAULTS.length)]
        : FAULTS[Math.floor(random() * FAULTS.length)];
      const times = 1 + Math.floor(random() * 3);
      await control(notification ? '/notification-faults' : '/faults', { ...fault, count: times });
      count(faultsInjected, label, times);
      await sleep(200 + random() * 800);
    }
  })();

  // Kill points at a share of the payments or of the load's time, whichever comes first, so
  // every kill lands mid-load on a slow or a fast machine.
  const random = generator(SEED ^ 0x2e2e2e2e);
  const killAt = Array.from({ length: KILLS }, () => 0.1 + 0.8 * random()).sort((a, b) => a - b);
  const loadStarted = Date.now();
  const killer = (async () => {
    while (loading && kills < killAt.length) {
      const progress = Math.max(
        orders.length / PAYMENTS,
        (Date.now() - loadStarted) / (LOAD_S * 1000),
      );
      if (progress >= killAt[kills]) {
        kills++;
        await restart(random() * 1000);
      } else {
        await sleep(100);
      }
    }
  })();

  const order = async (i: number): Promise<boolean> => {
    const random = generator(SEED + i);
    const roll = random();
    const cardholder = roll < 0.7 ? 'APRO' : roll < 0.85 ? 'CONT' : 'OTHE';
    const capture = !(cardholder === 'APRO' && random() < 0.3);
    const amount = (10 + Math.floor(random() * 49000) / 100).toFixed(2);
    const follow = random();
    const record: Order = { reference: `${run}-${i}`, refunds: [] };
    orders.push(record);
    const body = {
      token: await createCardToken(emulator.url, cardholder),
      transaction_amount: amount,
      installments: 1,
      payment_method_id: 'master',
      payer: TEST_PAYER,
      external_reference: record.reference,
      capture,
    };
    const created = await caller.final(
      'create',
      'POST',
      '/v1/payments',
      body,
      `${run}-${i}-create`,
    );
    if (!created) return false;
    if (created.status !== 201) return true;
    record.created = created.body;
    const id = String(created.body.id);
    const status = created.body.status;
    if (status === 'approved' && follow < 0.6) {
      // A partial refund, then sometimes the rest: two keys, each retried as is.
      const partial = (cents(amount) / 300).toFixed(2);
      const steps: [string, Json | undefined][] = [['partial', { amount: partial }]];
      if (follow < 0.3) steps.push(['full', undefined]);
      for (const [kind, refundBody] of steps) {
        const refund = await caller.final(
          `refund ${kind}`,
          'POST',
          `/v1/payments/${id}/refunds`,
          refundBody ?? {},
          `${run}-${i}-refund-${kind}`,
        );
        if (!refund) return false;
        if (refund.status === 201 && refund.body.status === 'approved') {
          record.refunds.push({
            mercadopagoId: refund.body.mercadopago_id,
            cents: cents(refund.body.amount),
          });
        }
      }
    } else if (status === 'authorized' && follow < 0.8) {
      const action = follow < 0.5 ? 'capture' : 'cancel';
      const captureBody =
        follow < 0.25 ? { amount: (cents(amount) / 200).toFixed(2) } : ({} as Json);
      const answer = await caller.final(
        action,
        'POST',
        `/v1/payments/${id}/${action}`,
        action === 'capture' ? captureBody : undefined,
      );
      if (!answer) return false;
    } else if (status === 'in_process' && follow < 0.4) {
      if (!(await caller.final('cancel', 'POST', `/v1/payments/${id}/cancel`))) return false;
    }
    return true;
  };

  const load = await runLoad(CONCURRENCY, LOAD_S * 1000, order, PAYMENTS);
  loading = false;
  await Promise.all([injector, killer]);

  // Quiet again: no faults, held notifications out, one more crash and restart, then settle.
  await control('/faults');
  await send(`${emulator.url}/__emulator/notifications/release`, 'POST');
  await restart(200);
  const settleStarted = Date.now();
  let comparison = await compare(base, emulator.url, run, orders);
  while (comparison.harm > 0 && Date.now() - settleStarted < SETTLE_S * 1000) {
    await sleep(1000);
    comparison = await compare(base, emulator.url, run, orders);
  }
  serviceCpu += cpuMs(service.pid) ?? 0;
  const emulatorCpu = (cpuMs(emulator.pid) ?? 0) - emulatorCpuBefore;
  await service.stop();
  await emulator.stop();

  const list = (map: Map<string, number>) =>
    [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ×${v}`);
  return {
    rows: [...rows, ...comparison.rows],
    info: [
      `seed ${SEED}; ${load.requests} payments by ${CONCURRENCY} callers in ${(load.requests / load.perSecond).toFixed(1)} s (${load.perSecond.toFixed(1)} payments/s with their follow-ups, p50 ${load.p50.toFixed(0)} ms, p99 ${load.p99.toFixed(0)} ms)`,
      `service SIGKILLed ${kills + 1} times (the last after the load); settled in ${((Date.now() - settleStarted) / 1000).toFixed(1)} s`,
      `service CPU ${serviceCpu} ms (${(serviceCpu / Math.max(1, load.requests)).toFixed(1)} ms per payment with follow-ups); emulator CPU ${emulatorCpu} ms`,
      `caller: ${caller.stats.attempts} requests, ${caller.stats.noAnswer} without an answer, ${caller.stats.gaveUp} operations given up`,
      `caller final answers: ${list(caller.stats.outcomes).join(', ')}`,
      `caller retried on: ${list(caller.stats.serverErrors).join(', ') || 'nothing'}`,
      `faults injected: ${list(faultsInjected).join(', ')}`,
      ...comparison.info,
    ],
  };
}

interface Comparison {
  rows: [string, number][];
  info: string[];
  harm: number;
}

/** Every page of our payments (the run's database holds only the run's). */
async function ourPayments(base: string): Promise<Json[]> {
  const rows: Json[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await send(`${base}/v1/payments?limit=100${query}`, 'GET', undefined, {
      authorization: `Bearer ${ADMIN}`,
    });
    if (page.status !== 200) throw new Error(`listing our payments: ${page.status}`);
    rows.push(...(page.body.data as Json[]));
    cursor = page.body.next_cursor as string | null;
  } while (cursor);
  return rows;
}

/** The emulator's payments of this run, through Mercado Pago's search API. */
async function charges(emulatorUrl: string, run: string): Promise<Json[]> {
  const found: Json[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await send(
      `${emulatorUrl}/v1/payments/search?limit=1000&offset=${offset}&criteria=asc`,
      'GET',
      undefined,
      { authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}` },
    );
    const results = page.body.results as Json[];
    found.push(...results.filter((p) => String(p.external_reference).startsWith(`${run}-`)));
    if (results.length < 1000) return found;
  }
}

const approvedCents = (refunds: Json[]) =>
  refunds.filter((r) => r.status === 'approved').reduce((sum, r) => sum + cents(r.amount), 0);

async function compare(
  base: string,
  emulatorUrl: string,
  run: string,
  orders: Order[],
): Promise<Comparison> {
  const ours = await ourPayments(base);
  const theirs = await charges(emulatorUrl, run);
  const chargeById = new Map(theirs.map((c) => [String(c.id), c]));
  const rowsByCharge = new Map<string, Json[]>();
  for (const row of ours) {
    if (row.mercadopago_id === null) continue;
    const key = text(row.mercadopago_id);
    rowsByCharge.set(key, [...(rowsByCharge.get(key) ?? []), row]);
  }

  // Doubled: one caller's payment became two charges or two rows, or one charge is two rows.
  const doubled = new Set<string>();
  const examples: string[] = [];
  const example = (kind: string, what: string) => {
    if (examples.length < 12) examples.push(`${kind}: ${what}`);
  };
  const perOrder = new Map<string, number>();
  for (const c of theirs) count(perOrder, `charges for ${String(c.external_reference)}`);
  for (const row of ours) count(perOrder, `rows for ${String(row.external_reference)}`);
  for (const c of theirs) {
    const ourId = (c.metadata as Json | null)?.[PAYMENT_REFERENCE_KEY];
    if (ourId !== undefined) count(perOrder, `charges for row ${text(ourId)}`);
  }
  for (const [key, n] of perOrder) if (n > 1) doubled.add(key);
  for (const [key, rows] of rowsByCharge)
    if (rows.length > 1) doubled.add(`rows for charge ${key}`);
  for (const key of doubled) example('doubled', key);

  // Lost: money moved at Mercado Pago that no row of ours records, or a caller told "approved"
  // about a charge that does not exist.
  const unrecorded = theirs.filter((c) => !rowsByCharge.has(String(c.id)));
  for (const c of unrecorded) example('lost', `charge ${text(c.id)} ${text(c.external_reference)}`);
  const told = orders.filter(
    (o) =>
      (o.created?.status === 'approved' || o.created?.status === 'authorized') &&
      !chargeById.has(text(o.created.mercadopago_id)),
  );
  for (const o of told) example('lost', `caller told ${text(o.created?.status)} ${o.reference}`);
  const lost = unrecorded.length + told.length;

  // Orphaned: our row names a Mercado Pago payment (a gateway status) that does not exist.
  const ownStatuses = new Set(['submitting', 'failed', 'abandoned']);
  const orphans = ours.filter(
    (row) => !ownStatuses.has(String(row.status)) && !chargeById.has(String(row.mercadopago_id)),
  );
  for (const row of orphans) example('orphaned', `row ${text(row.id)} ${text(row.status)}`);
  const orphaned = orphans.length;

  // Stuck: still submitting, or not in the state Mercado Pago says its payment is in.
  let stuck = 0;
  let refundMismatches = 0;
  const stuckStates = new Map<string, number>();
  const refundsTold = new Map(orders.map((o) => [o.reference, o.refunds]));
  for (const row of ours) {
    const charge = chargeById.get(String(row.mercadopago_id));
    if (row.status === 'submitting' || (charge && charge.status !== row.status)) {
      stuck++;
      example('stuck', `row ${text(row.id)} ${text(row.external_reference)}`);
      count(stuckStates, `${String(row.status)}→${text(charge?.status ?? 'none')}`);
    }
    if (!charge) continue;
    const theirRefunds = (charge.refunds as Json[]) ?? [];
    const told = refundsTold.get(String(row.external_reference)) ?? [];
    const known = new Set(theirRefunds.map((r) => String(r.id)));
    const ourRefundsNeeded =
      cents(row.amount_refunded) > 0 || theirRefunds.length > 0 || told.length > 0;
    const ourRefunds = ourRefundsNeeded
      ? (((
          await send(`${base}/v1/payments/${String(row.id)}/refunds`, 'GET', undefined, {
            authorization: `Bearer ${ADMIN}`,
          })
        ).body.data as Json[] | undefined) ?? [])
      : [];
    const figures = [
      approvedCents(ourRefunds),
      approvedCents(theirRefunds),
      cents(row.amount_refunded),
      cents(charge.transaction_amount_refunded),
    ];
    const untold = told.filter((t) => !known.has(String(t.mercadopagoId))).length;
    if (figures[0] !== figures[1] || figures[2] !== figures[3] || untold > 0) {
      refundMismatches++;
      example(
        'refund mismatch',
        `row ${text(row.id)} ${text(row.external_reference)}: refunds ours/theirs ${figures[0]}/${figures[1]} cents, ` +
          `amount_refunded ${figures[2]}/${figures[3]} cents, ${untold} told to the caller but missing`,
      );
    }
  }

  const withKey = theirs.filter(
    (c) => (c.metadata as Json | null)?.[PAYMENT_REFERENCE_KEY] !== undefined,
  ).length;
  const statuses = new Map<string, number>();
  for (const row of ours) count(statuses, `ours ${String(row.status)}`);
  const rows: [string, number][] = [
    ['doubled', doubled.size],
    ['lost', lost],
    ['orphaned', orphaned],
    ['stuck', stuck],
    ['refund mismatches', refundMismatches],
  ];
  return {
    rows: [['payments (ours)', ours.length], ['charges at the emulator', theirs.length], ...rows],
    harm: rows.reduce((sum, [, n]) => sum + n, 0),
    info: [
      `our statuses: ${[...statuses].map(([k, v]) => `${k.slice(5)} ${v}`).join(', ')}`,
      `stuck (ours→emulator): ${[...stuckStates].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`,
      `charges carrying metadata.${PAYMENT_REFERENCE_KEY}: ${withKey}/${theirs.length}`,
      ...examples.map((e) => `e.g. ${e}`),
    ],
  };
}

async function main(): Promise<void> {
  copyAssets();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mp-chaos-'));
  const postgres = process.env.DATABASE_URL
    ? await freshPostgres(process.env.DATABASE_URL, 'mp_chaos')
    : undefined;
  const targets: Target[] = [{ name: 'PGlite', env: { DATA_DIR: dataDir }, shared: false }];
  if (postgres) {
    targets.push({
      name: 'PostgreSQL',
      env: { DATABASE_URL: postgres.url, DATA_DIR: dataDir },
      shared: true,
    });
  }
  console.log(
    `chaos: ${PAYMENTS} payments at most, ${CONCURRENCY} callers, ${LOAD_S} s load at most, ` +
      `${KILLS} SIGKILLs during the load, seed ${SEED}${SHORT ? ' (short)' : ''}\n`,
  );
  let harmful = 0;
  try {
    for (const target of targets) {
      const report = await runTarget(target);
      console.log(`[${target.name}]`);
      for (const [label, value] of report.rows) {
        console.log(`  ${label.padEnd(32)} ${String(value).padStart(6)}`);
      }
      for (const line of report.info) console.log(`  · ${line}`);
      console.log('');
      harmful += report.rows
        .filter(([label]) => !label.startsWith('payments') && !label.startsWith('charges'))
        .reduce((sum, [, n]) => sum + n, 0);
    }
  } finally {
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(harmful === 0 ? 'chaos: all clear' : `chaos: ${harmful} harmed, see above`);
  process.exitCode = harmful === 0 ? 0 : 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
