import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createToken } from '../auth/auth.helper';
import { createCredentials } from '../credentials/credentials.helper';
import { disputeIn, moveChargeback, openChargeback } from '../disputes/disputes.helper';
import { Json, emulator, pay, paymentBody, postPayment, postRefund } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

/** CSV rows as objects keyed by the header, amounts still text. */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

const AMOUNTS = [
  'gross_amount',
  'mp_fee_amount',
  'financing_fee_amount',
  'shipping_fee_amount',
  'coupon_amount',
  'net_credit_amount',
  'net_debit_amount',
];
/** Cents, so sums are exact. */
const cents = (value: number | string) => Math.round(Number(value) * 100);

/** One `total` row, last, whose every amount is the sum of the rows above it. */
function expectTotalsAreSums(records: Record<string, string>[]): void {
  const rows = records.filter((r) => r.RECORD_TYPE === 'release');
  const totals = records.filter((r) => r.RECORD_TYPE === 'total');
  expect(totals.map((r) => r.CURRENCY)).toEqual(['BRL']);
  expect(records[records.length - 1]).toBe(totals[0]);
  for (const column of AMOUNTS.map((c) => c.toUpperCase())) {
    const sum = rows.reduce((s, r) => s + cents(r[column]), 0);
    expect([column, cents(totals[0][column])]).toEqual([column, sum]);
  }
}

describe('Fees, settlement and the settlement export', () => {
  let t: TestApp;
  const started = new Date(Date.now() - 1000).toISOString();
  const later = () => new Date(Date.now() + 60_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const read = async (id: string): Promise<Json> =>
    (await t.http().get(`/v1/payments/${id}`).set(bearer(t.adminToken)).expect(200)).body;

  const exportJsonLines = async (query: string, token = t.adminToken): Promise<Json[]> => {
    const res = await t
      .http()
      .get(`/v1/reports/settlements?${query}`)
      .set(bearer(token))
      .set('accept', 'application/x-ndjson')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    return res.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  };

  it('should store and return fees, net and release as Mercado Pago reports them on approval', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 100 });
    expect(payment).toMatchObject({
      fee_details: [{ type: 'mercadopago_fee', amount: 4.49, fee_payer: 'collector' }],
      net_received_amount: 95.51,
      money_release_status: 'pending',
      transaction_details: {
        net_received_amount: 95.51,
        total_paid_amount: 100,
        installment_amount: 100,
        overpaid_amount: 0,
      },
    });
    // MLB releases 14 days after approval in the emulator (the published sample's delay).
    const delay = Date.parse(payment.money_release_date) - Date.parse(payment.date_approved);
    expect(delay).toBe(14 * 86_400_000);
    expect(await read(payment.id)).toMatchObject({ fee_details: payment.fee_details });
  });

  it('should add the financing fee of interest-free installments', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 100, installments: 3 });
    expect(payment.fee_details).toEqual([
      { type: 'mercadopago_fee', amount: 4.49, fee_payer: 'collector' },
      { type: 'financing_fee', amount: 3, fee_payer: 'collector' },
    ]);
    expect(payment.net_received_amount).toBe(92.51);
    expect(payment.transaction_details.installment_amount).toBe(33.33);
  });

  it('should give back the fee share of a partial refund, and nothing is left after a full one', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 100 });
    expect((await postRefund(t, payment.id, { amount: 40 })).status).toBe(201);
    // 4.49 % of the 60 kept.
    expect(await read(payment.id)).toMatchObject({
      amount_refunded: 40,
      fee_details: [{ type: 'mercadopago_fee', amount: 2.69, fee_payer: 'collector' }],
      net_received_amount: 57.31,
    });
    expect((await postRefund(t, payment.id)).status).toBe(201);
    expect(await read(payment.id)).toMatchObject({
      status: 'refunded',
      fee_details: [{ type: 'mercadopago_fee', amount: 0, fee_payer: 'collector' }],
      net_received_amount: 0,
    });
  });

  it('should apply a release Mercado Pago made without changing date_last_updated', async () => {
    const payment = await pay(t);
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const moved = await emulator(
      t,
      'POST',
      `/__emulator/payments/${payment.mercadopago_id}/release`,
      {
        at: future,
      },
    );
    expect(moved.body.money_release_status).toBe('pending');

    const released = await emulator(
      t,
      'POST',
      `/__emulator/payments/${payment.mercadopago_id}/release`,
      {},
    );
    expect(released.status).toBe(200);
    expect(released.body.money_release_status).toBe('released');
    expect(released.body.date_last_updated).toBe(moved.body.date_last_updated);
    const again = await emulator(
      t,
      'POST',
      `/__emulator/payments/${payment.mercadopago_id}/release`,
      {},
    );
    expect(again.status).toBe(409);

    const synced = await t
      .http()
      .post(`/v1/payments/${payment.id}/sync`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(synced.body).toMatchObject({
      money_release_status: 'released',
      date_last_updated: payment.date_last_updated,
    });
    expect(Date.parse(synced.body.money_release_date)).toBeLessThanOrEqual(Date.now());
  });

  it('should export every movement in CSV, the totals being the sum of the rows', async () => {
    const reference = `order "7", first, ${randomUUID()}`;
    const payment = await pay(t, 'APRO', {
      transaction_amount: 250,
      external_reference: reference,
    });
    await postRefund(t, payment.id, { amount: 50 }).expect(201);
    await pay(t, 'OTHE'); // rejected: no money moved, no row

    const res = await t
      .http()
      .get(`/v1/reports/settlements?from=${started}&to=${later()}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="settlements-/);
    const records = csvRecords(res.text);
    expect(Object.keys(records[0])).toEqual(
      expect.arrayContaining(['SOURCE_ID', 'GROSS_AMOUNT', 'MP_FEE_AMOUNT', 'NET_CREDIT_AMOUNT']),
    );

    const mine = records.filter((r) => r.PAYMENT_ID === payment.id);
    expect(mine).toEqual([
      expect.objectContaining({
        DESCRIPTION: 'payment',
        RECORD_TYPE: 'release',
        SOURCE_ID: String(payment.mercadopago_id),
        EXTERNAL_REFERENCE: reference,
        CURRENCY: 'BRL',
        GROSS_AMOUNT: '250.00',
        // 4.49 % of the 200 kept.
        MP_FEE_AMOUNT: '-8.98',
        NET_CREDIT_AMOUNT: '241.02',
        NET_DEBIT_AMOUNT: '0.00',
        MONEY_RELEASE_STATUS: 'pending',
      }),
      expect.objectContaining({
        DESCRIPTION: 'refund',
        GROSS_AMOUNT: '-50.00',
        NET_CREDIT_AMOUNT: '0.00',
        NET_DEBIT_AMOUNT: '50.00',
      }),
    ]);
    const net = (r: Record<string, string>) =>
      cents(r.NET_CREDIT_AMOUNT) - cents(r.NET_DEBIT_AMOUNT);
    expect(mine.reduce((sum, r) => sum + net(r), 0)).toBe(
      cents((await read(payment.id)).net_received_amount),
    );

    expectTotalsAreSums(records);
    const rows = records.filter((r) => r.RECORD_TYPE === 'release');
    expect(rows.some((r) => r.DESCRIPTION === 'payment' && r.GROSS_AMOUNT === '0.00')).toBe(false);
  });

  it('should export a chargeback as a debit when it opens, and as a credit too once it is won', async () => {
    const won = await pay(t, 'APRO', { transaction_amount: 100 });
    const lost = await pay(t, 'APRO', { transaction_amount: 80 });
    const wonCase = await openChargeback(t, won.mercadopago_id);
    const lostCase = await openChargeback(t, lost.mercadopago_id, { amount: 30 });
    const opened = await disputeIn(t, wonCase.id, 'open');
    const lostOpened = await disputeIn(t, lostCase.id, 'open');

    const exportCsv = async () => {
      const res = await t
        .http()
        .get(`/v1/reports/settlements?from=${started}&to=${later()}`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(parseCsv(res.text)[0].slice(-2)).toEqual(['CREDENTIAL_ID', 'DISPUTE_ID']);
      return csvRecords(res.text);
    };
    const movements = (records: Record<string, string>[], paymentId: string) =>
      records
        .filter((r) => r.PAYMENT_ID === paymentId)
        .map((r) => [r.DESCRIPTION, r.GROSS_AMOUNT, r.NET_CREDIT_AMOUNT, r.NET_DEBIT_AMOUNT]);

    let records = await exportCsv();
    const debit = records.find((r) => r.DESCRIPTION === 'chargeback' && r.PAYMENT_ID === won.id);
    expect(debit).toMatchObject({
      DATE: opened.date_created,
      SOURCE_ID: String(won.mercadopago_id),
      REFUND_ID: '',
      DISPUTE_ID: opened.id,
      RECORD_TYPE: 'release',
      CURRENCY: 'BRL',
      MP_FEE_AMOUNT: '0.00',
      MONEY_RELEASE_DATE: opened.date_created,
      MONEY_RELEASE_STATUS: 'released',
      CREDENTIAL_ID: won.credential_id,
    });
    expect(movements(records, won.id).slice(1)).toEqual([
      ['chargeback', '-100.00', '0.00', '100.00'],
    ]);
    expect(movements(records, lost.id).slice(1)).toEqual([
      ['chargeback', '-30.00', '0.00', '30.00'],
    ]);
    expectTotalsAreSums(records);

    await moveChargeback(t, wonCase.id, { coverage_applied: true });
    const decided = await disputeIn(t, wonCase.id, 'won');
    await moveChargeback(t, lostCase.id, { coverage_applied: false });
    await disputeIn(t, lostCase.id, 'lost');

    records = await exportCsv();
    expect(movements(records, won.id).slice(1)).toEqual([
      ['chargeback', '-100.00', '0.00', '100.00'],
      ['chargeback_reimbursed', '100.00', '100.00', '0.00'],
    ]);
    expect(
      records.find((r) => r.DESCRIPTION === 'chargeback_reimbursed' && r.PAYMENT_ID === won.id),
    ).toMatchObject({ DATE: decided.date_resolved, DISPUTE_ID: opened.id });
    // Lost: the card holder keeps the money, the debit stays and nothing comes back.
    expect(movements(records, lost.id).slice(1)).toEqual([
      ['chargeback', '-30.00', '0.00', '30.00'],
    ]);
    expect(records.filter((r) => r.DISPUTE_ID === lostOpened.id)).toHaveLength(1);
    expectTotalsAreSums(records);

    // A window starting after the chargebacks opened holds only the reimbursement.
    const after = new Date(Date.parse(lostOpened.date_created) + 1).toISOString();
    const lines = await exportJsonLines(`from=${after}&to=${later()}`);
    expect(lines.filter((l) => l.dispute_id === opened.id)).toEqual([
      expect.objectContaining({ description: 'chargeback_reimbursed', gross_amount: 100 }),
    ]);
    expect(lines.filter((l) => l.dispute_id === lostOpened.id)).toEqual([]);
  });

  it('should give the same rows as JSON lines, with amounts as numbers', async () => {
    const query = `from=${started}&to=${later()}`;
    const csv = await t
      .http()
      .get(`/v1/reports/settlements?${query}`)
      .set(bearer(t.adminToken))
      .expect(200);
    const lines = await exportJsonLines(query);
    const jsonl = await t
      .http()
      .get(`/v1/reports/settlements?${query}`)
      .set(bearer(t.adminToken))
      .set('accept', 'application/jsonl')
      .expect(200);
    expect(jsonl.headers['content-type']).toMatch(/^application\/jsonl/);

    const records = csvRecords(csv.text);
    expect(lines).toHaveLength(records.length);
    lines.forEach((line, i) => {
      expect(typeof line.gross_amount).toBe('number');
      expect(cents(line.net_credit_amount)).toBe(cents(records[i].NET_CREDIT_AMOUNT));
      expect(line.payment_id).toBe(records[i].PAYMENT_ID);
    });
    const total = lines[lines.length - 1];
    const rows = lines.filter((l) => l.record_type === 'release');
    expect(cents(total.net_credit_amount)).toBe(
      rows.reduce((s, l) => s + cents(l.net_credit_amount), 0),
    );
  });

  it('should keep to the window, the credentials asked for and those of a limited token', async () => {
    const before = await pay(t, 'APRO', { transaction_amount: 10 });
    const from = new Date(Date.parse(before.date_approved) + 1).toISOString();

    const mexico = await createCredentials(t, `mx-${randomUUID()}`, { site_id: 'MLM' });
    const token = await emulator(
      t,
      'POST',
      `/v1/card_tokens?public_key=${mexico.account.public_key}`,
      {
        card_number: '5474925432670366',
        security_code: '123',
        expiration_month: 11,
        expiration_year: 2030,
        cardholder: { name: 'APRO' },
      },
    );
    const res = await postPayment(
      t,
      paymentBody(token.body.id, {
        transaction_amount: 200,
        credential_id: mexico.id,
        payer: { email: 'test@testuser.com' },
      }),
    );
    expect(res.status).toBe(201);
    const mx = res.body;
    // 3.49 % + 4.00 MXN in the emulator's Mexico.
    expect(mx).toMatchObject({
      currency_id: 'MXN',
      fee_details: [{ type: 'mercadopago_fee', amount: 10.98, fee_payer: 'collector' }],
      net_received_amount: 189.02,
    });

    const windowed = await exportJsonLines(`from=${from}&to=${later()}`);
    const ids = windowed.map((l) => l.payment_id);
    expect(ids).not.toContain(before.id);
    expect(ids).toContain(mx.id);
    expect(
      windowed
        .filter((l) => l.record_type === 'total')
        .map((l) => l.currency)
        .sort(),
    ).toEqual(['MXN']);

    const everything = await exportJsonLines(`from=${started}&to=${later()}`);
    expect(everything.map((l) => l.payment_id)).toContain(before.id);
    const onlyMexico = await exportJsonLines(
      `from=${started}&to=${later()}&credential_id=${mexico.id}`,
    );
    expect(onlyMexico.filter((l) => l.record_type === 'release').map((l) => l.payment_id)).toEqual([
      mx.id,
    ]);

    const limited = await createToken(t, ['payments:read'], [mexico.id]);
    const seen = await exportJsonLines(`from=${started}&to=${later()}`, limited.token);
    expect(seen.filter((l) => l.record_type === 'release').map((l) => l.payment_id)).toEqual([
      mx.id,
    ]);
    const other = await exportJsonLines(
      `from=${started}&to=${later()}&credential_id=${before.credential_id}`,
      limited.token,
    );
    expect(other).toEqual([]);

    const writer = await createToken(t, ['payments:write']);
    await t
      .http()
      .get(`/v1/reports/settlements?from=${started}&to=${later()}`)
      .set(bearer(writer.token))
      .expect(403);
  });

  it('should read batch after batch without repeating or skipping rows at microsecond timestamps', async () => {
    const credential = randomUUID();
    // 2,500 approvals 1.5 ms apart in 2020: three keyset batches, boundaries inside a millisecond.
    await t.database.db.execute(sql`
      INSERT INTO payments (credential_id, live_mode, created_by, mercadopago_id, status,
        currency_id, amount, installments, payment_method_id, capture, binary_mode, payer_email,
        gateway_idempotency_key, date_approved, net_received_amount)
      SELECT ${credential}::uuid, false, 'spec', 90000000000 + n, 'approved', 'BRL', 1000, 1,
        'master', true, false, 'x@testuser.com', 'spec-' || n,
        '2020-01-01T00:00:00.000001Z'::timestamptz + make_interval(secs => n * 0.0015), 955
      FROM generate_series(1, 2500) AS n`);
    // A chargeback of 1.00 on each an hour later (a third without Mercado Pago's date_created,
    // dated by our first read), every other one won an hour after that.
    await t.database.db.execute(sql`
      INSERT INTO disputes (credential_id, mercadopago_id, payment_id, payment_mercadopago_id,
        status, documentation_status, currency_id, amount, coverage_applied, live_mode,
        gateway_created_at, created_at, resolved_at)
      SELECT credential_id, 'spec-' || mercadopago_id, id, mercadopago_id,
        CASE WHEN mercadopago_id % 2 = 0 THEN 'won' ELSE 'lost' END, 'valid', 'BRL', 100,
        mercadopago_id % 2 = 0, false,
        CASE WHEN mercadopago_id % 3 = 0 THEN NULL ELSE date_approved + interval '1 hour' END,
        date_approved + interval '1 hour', date_approved + interval '2 hours'
      FROM payments WHERE credential_id = ${credential}::uuid`);
    const lines = await exportJsonLines(
      `from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&credential_id=${credential}`,
    );
    const rows = lines.filter((l) => l.record_type === 'release');
    const described = (description: string) => rows.filter((l) => l.description === description);
    expect(described('payment')).toHaveLength(2500);
    expect(new Set(described('payment').map((l) => l.payment_id)).size).toBe(2500);
    expect(new Set(described('chargeback').map((l) => l.dispute_id)).size).toBe(2500);
    expect(new Set(described('chargeback_reimbursed').map((l) => l.dispute_id)).size).toBe(1250);
    expect(rows).toHaveLength(6250);
    expect(lines[lines.length - 1]).toMatchObject({
      gross_amount: 25000 - 2500 + 1250,
      net_credit_amount: 23875 + 1250,
      net_debit_amount: 2500,
    });
  });

  it.each([
    ['no window', ''],
    ['no to', 'from=2026-11-01T00:00:00Z'],
    ['a date that is not ISO-8601', 'from=yesterday&to=2026-12-01T00:00:00Z'],
    ['to before from', 'from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z'],
    ['an empty window', 'from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z'],
    ['more than 93 days', 'from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z'],
    [
      'a credential_id that is not a uuid',
      'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&credential_id=x',
    ],
  ])('should refuse %s with a 400', async (_what, query) => {
    const res = await t
      .http()
      .get(`/v1/reports/settlements?${query}`)
      .set(bearer(t.adminToken))
      .expect(400);
    expect(res.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
  });
});
