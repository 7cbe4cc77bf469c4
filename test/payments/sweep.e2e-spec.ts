import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../../emulator';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  cardToken,
  chargesAt,
  emulator,
  pay,
  paymentBody,
  paymentsByReference,
  postPayment,
} from '../support/payments';
import { getPayment, transition } from '../webhooks/webhooks.helper';
import { payBehindOurBack, searchesAt, sweepNow, sweepRow } from './sweep.helper';

/**
 * The sweep searches Mercado Pago for what changed where we did not see it: payments made behind
 * our back, notifications lost, answers lost. Every notification is dropped here, and the
 * reconciler is off, so only the sweep can know.
 */
describe('The sweep: payments changed at Mercado Pago where we did not see it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        MERCADOPAGO_MAX_RETRIES: '0',
        RECONCILE_INTERVAL_SECONDS: '0',
      },
    });
  });
  afterAll(() => t.close());
  beforeEach(() => emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop' }));
  afterEach(() => emulator(t, 'DELETE', '/__emulator/faults'));

  const changed = (report: { results: Record<string, number> }) =>
    report.results.updated + report.results.adopted + report.results.recorded;

  it('should record in one run a payment made at Mercado Pago behind our back', async () => {
    const reference = `panel-${randomUUID()}`;
    const made = await payBehindOurBack(t, reference);
    expect(await paymentsByReference(t, reference)).toEqual([]);

    const report = await sweepNow(t);

    expect(report).toMatchObject({ credentials: 1, searches: 1 });
    expect(report.results.recorded).toBe(1);
    expect(await paymentsByReference(t, reference)).toMatchObject([
      { mercadopago_id: made.id, status: 'approved', transaction_amount: 25 },
    ]);
  });

  it('should keep its cursor, so a second run searches once and finds nothing new', async () => {
    const made = await payBehindOurBack(t, `panel-${randomUUID()}`);
    expect(changed(await sweepNow(t))).toBe(1);
    const row = await sweepRow(t);
    expect(new Date(row.cursor_at).toISOString()).toBe(
      new Date(made.date_last_updated).toISOString(),
    );
    expect(row.cursor_ids).toEqual([made.id]);
    const searches = await searchesAt(t);

    const again = await sweepNow(t);

    expect(again.searches).toBe(1);
    expect(changed(again)).toBe(0);
    expect(await searchesAt(t)).toBe(searches + 1);
    // The search results were the payments: none of them was read again by id.
    const reads = await emulator(t, 'GET', '/__emulator/requests?method=GET&path=/v1/payments/:id');
    expect(reads.body).toEqual([]);
    expect(await sweepRow(t)).toMatchObject({ cursor_ids: [made.id], last_outcome: 'completed' });
  });

  it('should count its runs and what it did, and show its lag per credentials, in /metrics', async () => {
    await sweepNow(t);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^payment_sweep_runs_total\{outcome="completed"\} [1-9]/m);
    expect(metrics).toMatch(/^payment_sweep_payments_total\{result="recorded"\} [1-9]/m);
    expect(metrics).toMatch(/^payment_sweep_payments_total\{result="unchanged"\} [1-9]/m);
    const { credential_id: credentialId } = await sweepRow(t);
    expect(metrics).toMatch(
      new RegExp(`^payment_sweep_lag_seconds\\{credential_id="${credentialId}"\\} \\d`, 'm'),
    );
  });

  it('should apply a status change whose notification was lost', async () => {
    const payment = await pay(t, 'CONT');
    expect(payment.status).toBe('in_process');
    await transition(t, payment.mercadopago_id, 'approved');
    expect((await getPayment(t, payment.id)).status).toBe('in_process');

    const report = await sweepNow(t);

    expect(report.results.updated).toBe(1);
    expect(await getPayment(t, payment.id)).toMatchObject({
      status: 'approved',
      status_detail: 'accredited',
    });
  });

  it('should adopt our own submitting payment whose answer was lost, not record it twice', async () => {
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'POST',
      path: '/v1/payments',
      status: 500,
      after: true,
      count: 1,
    });
    const key = randomUUID();
    const reference = `lost-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    expect((await postPayment(t, body, key)).status).toBe(502);
    const [held] = await paymentsByReference(t, reference);
    expect(held.status).toBe('submitting');

    const report = await sweepNow(t);

    expect(report.results.adopted).toBe(1);
    expect(report.results.recorded).toBe(0);
    expect(await paymentsByReference(t, reference)).toMatchObject([
      { id: held.id, status: 'approved' },
    ]);
    expect(await chargesAt(t, reference)).toBe(1);
    // The caller's retry answers with that same payment.
    const retried = await postPayment(t, body, key).expect(201);
    expect(retried.body).toMatchObject({ id: held.id, status: 'approved' });
  });

  it('should leave its cursor where it was when Mercado Pago fails the search, and catch up later', async () => {
    const before = await sweepRow(t);
    const reference = `panel-${randomUUID()}`;
    await payBehindOurBack(t, reference);
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'GET',
      path: '/v1/payments/search',
      status: 500,
    });

    const failed = await sweepNow(t);

    expect(changed(failed)).toBe(0);
    const row = await sweepRow(t);
    expect(row).toMatchObject({ last_outcome: 'failed', cursor_ids: before.cursor_ids });
    expect(row.cursor_at).toEqual(before.cursor_at);
    expect(row.last_error).toMatch(/HTTP 500/);
    expect(await paymentsByReference(t, reference)).toEqual([]);

    await emulator(t, 'DELETE', '/__emulator/faults');
    expect((await sweepNow(t)).results.recorded).toBe(1);
    expect(await paymentsByReference(t, reference)).toHaveLength(1);
  });

  it('should stop for credentials Mercado Pago no longer accepts, without looping', async () => {
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'GET',
      path: '/v1/payments/search',
      status: 401,
      body: { message: 'invalid access token', error: 'unauthorized', status: 401, cause: [] },
    });
    const searches = await searchesAt(t);

    const report = await sweepNow(t);

    expect(report.credentials).toBe(1);
    expect(await searchesAt(t)).toBe(searches + 1);
    const row = await sweepRow(t);
    expect(row).toMatchObject({ last_outcome: 'failed' });

    // The 401 also marked the credentials invalid; rotating (the token works again) clears it.
    const credentials = `/v1/credentials/${String(row.credential_id)}`;
    const held = await t.http().get(credentials).set(bearer(t.adminToken)).expect(200);
    expect(held.body.status).toBe('invalid');
    await emulator(t, 'DELETE', '/__emulator/faults');
    await t
      .http()
      .post(`${credentials}/rotate`)
      .set(bearer(t.adminToken))
      .send({ access_token: EMULATOR_DEFAULT_ACCESS_TOKEN })
      .expect(200);
  });

  it('should pass by a payment whose status it cannot read, with a log line, and move on', async () => {
    const made = await payBehindOurBack(t, `odd-${randomUUID()}`);
    const odd = { ...made, status: 'under_review' };
    const answer = (path: string, body: unknown) =>
      emulator(t, 'POST', '/__emulator/faults', {
        method: 'GET',
        path,
        status: 200,
        body,
        count: 1,
      });
    await answer('/v1/payments/search', {
      paging: { total: 1, limit: 100, offset: 0 },
      results: [odd],
    });
    await answer(`/v1/payments/${made.id}`, odd);

    const report = await sweepNow(t);

    expect(report.results).toMatchObject({ unreadable: 1, recorded: 0 });
    expect(await sweepRow(t)).toMatchObject({ cursor_ids: [made.id], last_outcome: 'completed' });
    expect(t.logs.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain(
      `Sweep passed by Mercado Pago payment ${made.id}: unknown payment status "under_review"`,
    );
  });
});

describe('The sweep bounded to SWEEP_MAX_PAGES_PER_RUN=1 page of 100', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SWEEP_MAX_PAGES_PER_RUN: '1' } });
  });
  afterAll(() => t.close());

  it('should read more than a page over two runs, skipping none and recording none twice', async () => {
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop' });
    const reference = `bulk-${randomUUID()}`;
    const made: number[] = [];
    for (let i = 0; i < 101; i += 1) made.push((await payBehindOurBack(t, reference)).id as number);

    const first = await sweepNow(t);
    expect(first).toMatchObject({ searches: 1, results: { recorded: 100 } });
    expect(await sweepRow(t)).toMatchObject({ last_outcome: 'partial', swept_until: null });

    // Then the overlap behind the cursor (all known), and the page after it.
    const second = await sweepNow(t);
    expect(second).toMatchObject({ searches: 2, results: { unchanged: 100, recorded: 1 } });
    expect(await sweepRow(t)).toMatchObject({ last_outcome: 'completed' });

    const held = await t.database.db.execute(
      sql`SELECT mercadopago_id FROM payments WHERE external_reference = ${reference}`,
    );
    const ids = (held as { rows: { mercadopago_id: string | number }[] }).rows.map((r) =>
      Number(r.mercadopago_id),
    );
    expect(ids.sort()).toEqual([...made].sort());
  });
});

describe('The sweep turned off (SWEEP_INTERVAL_SECONDS=0)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SWEEP_INTERVAL_SECONDS: '0' } });
  });
  afterAll(() => t.close());

  it('should search nothing and record nothing', async () => {
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop' });
    const reference = `panel-${randomUUID()}`;
    await payBehindOurBack(t, reference);

    const report = await sweepNow(t);

    expect(report).toMatchObject({ credentials: 0, searches: 0 });
    expect(await searchesAt(t)).toBe(0);
    expect(await paymentsByReference(t, reference)).toEqual([]);
  });
});
