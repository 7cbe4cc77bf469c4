import { CardToken, IdentificationType, MPBadRequestError, PaymentMethod, User } from 'mercadopago';
import {
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_USER_ID,
  type RunningEmulator,
} from '../../emulator';
import { TEST_CARDS, TEST_DOCUMENTS } from '../../emulator/data/test-cards.data';
import { AnyJson, call, mp, MLB_CPF, MLB_MASTER, startTestEmulator } from './emulator.helper';

const card = (overrides: Record<string, unknown> = {}) => ({
  card_number: MLB_MASTER,
  security_code: '123',
  expiration_month: 11,
  expiration_year: 2030,
  cardholder: { name: 'APRO', identification: MLB_CPF },
  ...overrides,
});

describe('card tokens and reference data', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it('should make a card token with the access token, as the SDK does server-side', async () => {
    const token = await new CardToken(mp()).create({ body: card() as never });

    expect(token.api_response.status).toBe(201);
    expect(token).toMatchObject({
      first_six_digits: '503143',
      last_four_digits: '6351',
      expiration_month: 11,
      expiration_year: 2030,
      status: 'active',
      luhn_validation: true,
      live_mode: false,
      card_id: null,
      security_code_length: 3,
      cardholder: { name: 'APRO', identification: MLB_CPF },
    });
    expect(token.id).toMatch(/^[0-9a-f]{32}$/);
    const due = Date.parse(token.date_due as string) - Date.parse(token.date_created as string);
    expect(due).toBe(2 * 60 * 60 * 1000);
  });

  it('should make a card token with ?public_key= and no Authorization, as MercadoPago.js does', async () => {
    const made = await call(
      emulator,
      'POST',
      `/v1/card_tokens?public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
      card(),
    );
    const read = await new CardToken(mp()).get({ id: made.body.id });

    expect(made.status).toBe(201);
    expect(read.id).toBe(made.body.id);
  });

  it('should answer 401 for an unknown public key', async () => {
    const made = await call(emulator, 'POST', '/v1/card_tokens?public_key=TEST-nope', card());

    expect(made.status).toBe(401);
    expect(made.body).toMatchObject({ error: 'unauthorized', status: 401 });
  });

  it('should not take a public key on server-only routes', async () => {
    const read = await call(
      emulator,
      'GET',
      `/v1/payments/1?public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
    );

    expect(read.status).toBe(401);
  });

  it.each([
    ['an empty card number', { card_number: '' }, '205'],
    ['a number failing Luhn', { card_number: '5031433215406352' }, 'E301'],
    ['a number of the wrong length', { card_number: '503143321540635' }, 'E301'],
    ['a missing security code', { security_code: undefined }, '224'],
    ['a 3-digit code on Amex', { card_number: '375365153556885', security_code: '123' }, 'E203'],
    ['a missing expiration month', { expiration_month: undefined }, '208'],
    ['month 13', { expiration_month: 13 }, '325'],
    ['a card expired last year', { expiration_year: new Date().getUTCFullYear() - 1 }, '326'],
    ['a missing cardholder name', { cardholder: { identification: MLB_CPF } }, '221'],
    [
      'an unknown document type',
      { cardholder: { name: 'APRO', identification: { type: 'DNI', number: '1' } } },
      '322',
    ],
    [
      'a CPF of the wrong length',
      { cardholder: { name: 'APRO', identification: { type: 'CPF', number: '123' } } },
      '324',
    ],
  ])('should refuse %s with cause %s', async (_what, overrides, code) => {
    const attempt = new CardToken(mp()).create({ body: card(overrides) as never });

    await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
    await expect(attempt).rejects.toMatchObject({ causes: [expect.objectContaining({ code })] });
  });

  it('should know every published test card of every site, with its brand and BIN', async () => {
    for (const site of ['MLA', 'MLB', 'MLC', 'MCO', 'MLM', 'MLU', 'MPE'] as const) {
      const accessToken = `TEST-${site}-010100-0000-${site === 'MLB' ? 1 : 9}00000000${site.length}`;
      await call(emulator, 'POST', '/__emulator/accounts', {
        access_token: accessToken,
        public_key: `TEST-pk-${site}`,
        site_id: site,
      });
      const doc = TEST_DOCUMENTS[site];
      for (const testCard of TEST_CARDS.filter((c) => c.site === site)) {
        const token = await new CardToken(mp(accessToken)).create({
          body: card({
            card_number: testCard.number,
            security_code: testCard.number.startsWith('3') ? '1234' : '123',
            cardholder: { name: 'APRO', ...(doc ? { identification: doc } : {}) },
          }) as never,
        });
        const search = await call(
          emulator,
          'GET',
          `/v1/payment_methods/search?bins=${testCard.number.slice(0, 6)}&public_key=TEST-pk-${site}`,
        );

        expect(token.last_four_digits).toBe(testCard.number.slice(-4));
        expect([site, testCard.number, search.body.results[0]?.id]).toEqual([
          site,
          testCard.number,
          testCard.payment_method_id,
        ]);
      }
    }
  });

  it('should list payment methods of the seller site with their settings', async () => {
    const methods = await new PaymentMethod(mp()).get();

    expect(methods.map((m) => m.id)).toEqual(
      expect.arrayContaining(['visa', 'master', 'amex', 'elo', 'debelo']),
    );
    expect(methods.find((m) => m.id === 'amex')).toMatchObject({
      payment_type_id: 'credit_card',
      status: 'active',
      settings: [
        { security_code: { length: 4, card_location: 'front' }, card_number: { length: 15 } },
      ],
    });
  });

  it('should offer 1, 3, 6 and 12 installments for a credit BIN (6 and 12 with interest), and one for debit', async () => {
    const credit = await call(
      emulator,
      'GET',
      `/v1/payment_methods/installments?amount=100&bin=503143&public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
    );
    const debit = await call(
      emulator,
      'GET',
      `/v1/payment_methods/installments?amount=100&payment_method_id=debelo&public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
    );
    const neither = await call(
      emulator,
      'GET',
      `/v1/payment_methods/installments?amount=100&public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
    );

    expect(credit.body[0]).toMatchObject({ payment_method_id: 'master', issuer: { id: '24' } });
    expect(
      (credit.body[0].payer_costs as AnyJson[]).map((c) => [
        c.installments,
        c.installment_rate,
        c.installment_amount,
        c.total_amount,
      ]),
    ).toEqual([
      [1, 0, 100, 100],
      [3, 0, 33.33, 100],
      [6, 14.25, 19.04, 114.25],
      [12, 32.1, 11.01, 132.1],
    ]);
    // Brazil carries no CFT/TEA labels (Argentina's: test/lookups).
    expect(credit.body[0].payer_costs[1].labels).toEqual([]);
    expect(debit.body[0].payer_costs).toHaveLength(1);
    expect(neither.status).toBe(400);
  });

  it('should list the identification types of the site', async () => {
    const types = await new IdentificationType(mp()).list();

    expect(types.map((t) => [t.id, t.min_length, t.max_length])).toEqual([
      ['CPF', 11, 11],
      ['CNPJ', 14, 14],
    ]);
  });

  it('should answer /users/me with the seller behind the token', async () => {
    const me = await new User(mp()).get();

    expect(me).toMatchObject({ id: EMULATOR_DEFAULT_USER_ID, site_id: 'MLB', country_id: 'BR' });
  });
});
