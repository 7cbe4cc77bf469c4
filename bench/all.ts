/**
 * `npm run bench`: every bench in turn, each as a child process (they start and stop services of
 * their own, so one crash or leak stays in one bench), short by default; prints each bench's lines
 * as they come and one table at the end from their BENCH_RESULT lines, with the issue's targets
 * beside the figures and the machine they came from. BENCH_SHORT=0 runs each at its full length;
 * BENCH_ONLY=payments,webhooks picks benches; any BENCH_* set here overrides the short settings.
 * DATABASE_URL passes through, so the benches that take it run on PGlite and PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { RESULT_PREFIX } from './bench-support';

/** Each bench's knobs for a short run: seconds rather than minutes, the same kinds of figures. */
const BENCHES: [string, Record<string, string>][] = [
  [
    'payments',
    {
      BENCH_DURATION: '2',
      BENCH_WARMUP: '3000',
      BENCH_WARMUP_SECONDS: '12',
      BENCH_TOKENS: '1000',
      BENCH_RATES: '100',
    },
  ],
  ['webhooks', { BENCH_DURATION: '2' }],
  ['events', { BENCH_BACKLOG_PAYMENTS: '100', BENCH_LIVE_PAYMENTS: '50' }],
  ['startup', { BENCH_RUNS: '1' }],
  ['access', { BENCH_DURATION: '2' }],
  ['payments-list', { BENCH_PGLITE_ROWS: '20000', BENCH_POSTGRES_ROWS: '100000' }],
  ['emulator', { BENCH_DURATION: '2' }],
  ['pglite-query', { BENCH_ROUNDS: '1', BENCH_QUERIES: '500' }],
  ['settlements-export', { BENCH_PAYMENTS: '100000' }],
];

interface Result {
  bench: string;
  db: string;
  build: string;
  figures: Record<string, number | null>;
}

type Target = { op: '≥' | '≤'; value: number; note?: string };

const POSTGRES = (db: string) => db.startsWith('PostgreSQL');

/** The performance issue's targets, by bench and figure; the database (or case) decides which. */
function target(bench: string, key: string, db: string, build: string): Target | undefined {
  // The SDK's own figures are the yardstick, not the service: no target applies to them.
  if (build === 'SDK direct') return undefined;
  // The floor (bench/floor-service.ts) is held to them too: a target it misses, no design that
  // keeps the payment's writes can meet on this machine.
  const pg = POSTGRES(db);
  switch (`${bench}.${key}`) {
    case 'payments.payments_per_s':
      return { op: '≥', value: pg ? 300 : 150 };
    case 'payments.cpu_ms_per_payment':
      return pg ? { op: '≤', value: 3 } : undefined;
    case 'payments.added_p50_ms_at_100':
      return pg ? { op: '≤', value: 2 } : undefined;
    case 'payments.added_p99_ms_at_100':
      return pg ? { op: '≤', value: 8 } : undefined;
    case 'webhooks.ack_p99_ms':
      return pg ? { op: '≤', value: 10, note: 'at 1,000/s' } : undefined;
    case 'webhooks.ack_per_s':
      return pg ? undefined : { op: '≥', value: 300 };
    case 'webhooks.updated_p50_ms':
    case 'webhooks.calm_updated_p50_ms':
      return { op: '≤', value: 50 };
    case 'startup.ready_s':
      if (pg) return { op: '≤', value: 1.0 };
      return db === 'PGlite, empty data folder' ? { op: '≤', value: 2.5 } : undefined;
    case 'startup.idle_rss_mib':
      if (pg) return { op: '≤', value: 120 };
      return db === 'PGlite, empty data folder' ? { op: '≤', value: 400 } : undefined;
    default:
      return undefined;
  }
}

/** Readable names for the figures' keys; a key not listed shows as itself. */
function label(key: string): string {
  const rate = /^(added_)?(p50|p99)_ms_at_(\d+)$/.exec(key);
  if (rate) return `${rate[2]}${rate[1] ? ' added over SDK' : ''} at ${rate[3]}/s, ms`;
  const names: Record<string, string> = {
    payments_per_s: 'payments/s, closed loop',
    cpu_ms_per_payment: 'CPU ms/payment',
    statements_per_payment: 'statements/payment',
    offered_per_s: 'offered/s',
    ack_per_s: 'acks/s',
    ack_p50_ms: 'ack p50, ms',
    ack_p99_ms: 'ack p99, ms',
    cold_first_second_ack_p99_ms: 'ack p99 in the cold first second, ms',
    non_200: 'non-200 acks',
    cpu_ms_per_notification: 'CPU ms/notification',
    updated_p50_ms: 'notification → updated p50, ms',
    calm_updated_p50_ms: 'the same when calm, ms',
    calm_updated_p99_ms: 'p99 when calm, ms',
    delivered_p50_ms: 'change → delivered p50, ms',
    delivered_p99_ms: 'change → delivered p99, ms',
    backlog_events_per_s: 'events/s, backlog drain',
    cpu_ms_per_event: 'CPU ms/event',
    live_events_per_s: 'events/s, live',
    ready_s: 'to ready, s',
    cpu_ms_to_ready: 'CPU to ready, ms',
    idle_rss_mib: 'idle RSS, MiB',
    peak_rss_mib: 'peak RSS, MiB',
    requests_per_s: 'requests/s',
    cpu_ms_per_request: 'CPU ms/request',
    p50_ms: 'p50, ms',
    p99_ms: 'p99, ms',
    queries_per_s: 'queries/s',
    rows: 'rows exported',
    rows_per_s: 'rows/s',
    export_s: 'export, s',
    streaming_rss_mib: 'RSS while streaming, MiB',
    cpu_us_per_query: 'CPU µs/query',
  };
  return names[key] ?? key;
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?';
  } catch {
    return os.cpus()[0]?.model ?? '?';
  }
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * Runs one bench; its lines pass through, its BENCH_RESULT lines are kept for the table, those
 * before a failure included (e.g. PGlite's when PostgreSQL cannot be reached).
 */
function runBench(
  name: string,
  knobs: Record<string, string>,
): Promise<{ results: Result[]; failure?: string }> {
  const short = process.env.BENCH_SHORT !== '0';
  const child = spawn(process.execPath, [path.join(__dirname, `${name}.bench.js`)], {
    env: { ...(short ? knobs : {}), ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const results: Result[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(RESULT_PREFIX))
      results.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as Result);
    else console.log(line);
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) =>
      resolve({
        results,
        failure: code === 0 ? undefined : `failed (${signal ?? `exit ${code}`})`,
      }),
    );
  });
}

/** Counts as they are; fewer decimals as figures grow, enough to tell 400.3 from a 400 target. */
const figure = (value: number | null) =>
  value === null
    ? ''
    : value.toFixed(
        Number.isInteger(value) || Math.abs(value) >= 1000 ? 0 : Math.abs(value) >= 10 ? 1 : 2,
      );

function table(results: Result[], failures: [string, string][]): string {
  const rows: string[][] = [['bench', 'database', 'build', 'figure', 'value', 'target', 'met']];
  let previous: string[] = [];
  for (const r of results) {
    for (const [key, value] of Object.entries(r.figures)) {
      const t = target(r.bench, key, r.db, r.build);
      const met =
        !t || value === null
          ? ''
          : (t.op === '≥' ? value >= t.value : value <= t.value)
            ? 'yes'
            : 'NO';
      // The bench, database and build show once per group, so the figures stand out; a cell is
      // left out only while the cells before it are unchanged too.
      const current = [r.bench, r.db, r.build];
      const changed = current.findIndex((cell, i) => cell !== previous[i]);
      const head = current.map((cell, i) => (changed !== -1 && i >= changed ? cell : ''));
      previous = current;
      rows.push([
        ...head,
        label(key),
        figure(value),
        t ? `${t.op} ${t.value}${t.note ? ` ${t.note}` : ''}` : '',
        met,
      ]);
    }
  }
  for (const [bench, why] of failures) rows.push([bench, '', '', why, '', '', '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const chosen = BENCHES.filter(([name]) => !only || only.includes(name));
  const loadAtStart = load();
  const started = Date.now();
  const results: Result[] = [];
  const failures: [string, string][] = [];
  for (const [name, knobs] of chosen) {
    console.log(`\n=== ${name} ===`);
    const outcome = await runBench(name, knobs);
    results.push(...outcome.results);
    if (outcome.failure) failures.push([name, outcome.failure]);
  }
  const cpus = os.cpus().length;
  console.log(
    `\n${cpus} cores, ${cpuModel()}; Node ${process.version}; load average (1/5/15 min) ` +
      `${loadAtStart} at start, ${load()} at end; ` +
      `${process.env.BENCH_SHORT === '0' ? 'full' : 'short'} run, ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min; ` +
      `${process.env.DATABASE_URL ? 'PGlite and PostgreSQL' : 'PGlite only (no DATABASE_URL)'}\n`,
  );
  console.log(table(results, failures));
  if (failures.length) process.exitCode = 1;
}

void main();
