import { randomUUID } from 'node:crypto';
import { payments } from '../../src/payments/payments.schema';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { Json, cardToken, pay, paymentBody, postPayment } from '../support/payments';

describe('Listing payments and refusing bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const list = async (query: string): Promise<Json> =>
    (await t.http().get(`/v1/payments?${query}`).set(bearer(t.adminToken)).expect(200)).body;

  describe('bad input', () => {
    const cases: [string, (token: string) => object, string[]][] = [
      ['a missing token', (tk) => ({ ...paymentBody(tk), token: undefined }), ['token']],
      [
        'wrong types',
        (tk) => paymentBody(tk, { installments: '3', payer: { email: 42 } }),
        ['installments', 'payer.email'],
      ],
      [
        'three decimals',
        (tk) => paymentBody(tk, { transaction_amount: 10.555 }),
        ['transaction_amount'],
      ],
      ['a zero amount', (tk) => paymentBody(tk, { transaction_amount: 0 }), ['transaction_amount']],
      [
        'a negative amount',
        (tk) => paymentBody(tk, { transaction_amount: -5 }),
        ['transaction_amount'],
      ],
      [
        'an absurd amount',
        (tk) => paymentBody(tk, { transaction_amount: '99999999999999' }),
        ['transaction_amount'],
      ],
      [
        'unknown fields',
        (tk) => paymentBody(tk, { card_number: '4235647728025682' }),
        ['card_number'],
      ],
      [
        'huge metadata',
        (tk) => paymentBody(tk, { metadata: { blob: 'x'.repeat(5000) } }),
        ['metadata'],
      ],
      [
        'nested metadata',
        (tk) => paymentBody(tk, { metadata: { nested: { a: 1 } } }),
        ['metadata'],
      ],
      [
        'an identification type of another country',
        (tk) =>
          paymentBody(tk, {
            payer: { email: 'a@b.co', identification: { type: 'DNI', number: '1' } },
          }),
        ['payer.identification.type'],
      ],
    ];

    it.each(cases)(
      'should answer 400 listing the field for %s, writing nothing',
      async (_name, build, fields) => {
        const before = (await t.database.db.select().from(payments)).length;
        const res = await postPayment(t, build(await cardToken(t)));
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
        expect(res.body.error.details.map((d: Json) => d.field).sort()).toEqual(fields.sort());
        expect((await t.database.db.select().from(payments)).length).toBe(before);
      },
    );

    it('should accept a corrected request with the key a rejected one used', async () => {
      const key = randomUUID();
      const token = await cardToken(t);
      expect(
        (await postPayment(t, paymentBody(token, { transaction_amount: 1.001 }), key)).status,
      ).toBe(400);
      expect((await postPayment(t, paymentBody(token), key)).status).toBe(201);
    });

    it('should refuse an unknown payment id with 404 and a malformed one with 400', async () => {
      const missing = await t
        .http()
        .get(`/v1/payments/${randomUUID()}`)
        .set(bearer(t.adminToken))
        .expect(404);
      expect(missing.body.error.code).toBe('PAYMENT_NOT_FOUND');
      await t.http().get('/v1/payments/not-a-uuid').set(bearer(t.adminToken)).expect(400);
    });
  });

  it('should filter and page through payments newest first without repeats', async () => {
    const reference = `list-${randomUUID()}`;
    const made: Json[] = [];
    for (const cardholder of ['APRO', 'FUND', 'APRO', 'APRO', 'OTHE']) {
      made.push(
        await pay(t, cardholder, {
          external_reference: reference,
          payer: { email: `${cardholder.toLowerCase()}@testuser.com` },
        }),
      );
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await list(
        `external_reference=${reference}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((p: Json) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(made.map((p) => p.id).reverse());

    const rejected = await list(`external_reference=${reference}&status=rejected`);
    expect(rejected.data.map((p: Json) => p.status_detail).sort()).toEqual([
      'cc_rejected_insufficient_amount',
      'cc_rejected_other_reason',
    ]);
    const byEmail = await list(`payer_email=fund@testuser.com&external_reference=${reference}`);
    expect(byEmail.data).toHaveLength(1);
    const byCredential = await list(
      `credential_id=${made[0].credential_id}&external_reference=${reference}`,
    );
    expect(byCredential.data).toHaveLength(5);
    const future = await list(
      `created_from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(future.data).toEqual([]);
    const window = await list(
      `external_reference=${reference}&created_from=${encodeURIComponent(made[1].date_created)}&created_to=${encodeURIComponent(made[3].date_created)}`,
    );
    expect(window.data.map((p: Json) => p.id)).toEqual([made[3].id, made[2].id, made[1].id]);
  });

  it('should refuse a cursor it did not give out', async () => {
    const res = await t
      .http()
      .get('/v1/payments?cursor=bogus')
      .set(bearer(t.adminToken))
      .expect(400);
    expect(res.body.error.details[0].field).toBe('cursor');
  });

  it('should never put the access token, card token or card number in a response or log', async () => {
    const { EMULATOR_DEFAULT_ACCESS_TOKEN } = await import('../../emulator');
    const token = await cardToken(t);
    const created = await postPayment(t, paymentBody(token)).expect(201);
    const listed = await list('limit=100');
    const everything = JSON.stringify([created.body, listed]) + t.logs.join('');
    expect(everything).not.toContain(EMULATOR_DEFAULT_ACCESS_TOKEN);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('5031433215406351');
  });
});
