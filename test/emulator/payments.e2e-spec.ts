import {
  MPAuthenticationError,
  MPBadRequestError,
  MPIdempotencyError,
  MPNotFoundError,
  Payment,
} from 'mercadopago';
import type { RunningEmulator } from '../../emulator';
import { EMULATOR_DEFAULT_USER_ID } from '../../emulator';
import {
  call,
  cardToken,
  key,
  mp,
  MLB_VISA,
  pay,
  paymentBody,
  startTestEmulator,
} from './emulator.helper';

const OTHER_TOKEN = 'APP_USR-2222222222222222-010100-00000000000000000000000000000002-2000000002';
const OTHER_KEY = 'APP_USR-00000000-0000-4000-8000-000000000002';

describe('POST /v1/payments through the official SDK', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it('should approve a payment with APRO, answering 201 with the full Mercado Pago shape', async () => {
    const payment = await pay('APRO', {
      external_reference: 'order-1',
      notification_url: undefined,
    });

    expect(payment.api_response.status).toBe(201);
    expect(payment).toMatchObject({
      status: 'approved',
      status_detail: 'accredited',
      captured: true,
      currency_id: 'BRL',
      payment_method_id: 'master',
      payment_type_id: 'credit_card',
      issuer_id: '24',
      live_mode: false,
      collector_id: EMULATOR_DEFAULT_USER_ID,
      transaction_amount: 100,
      transaction_amount_refunded: 0,
      external_reference: 'order-1',
      fee_details: [{ type: 'mercadopago_fee', amount: 4.49, fee_payer: 'collector' }],
      transaction_details: {
        net_received_amount: 95.51,
        total_paid_amount: 100,
        installment_amount: 100,
      },
      card: {
        first_six_digits: '503143',
        last_four_digits: '6351',
        expiration_month: 11,
        expiration_year: 2030,
      },
      payer: { email: 'test@testuser.com', identification: { type: 'CPF', number: '12345678909' } },
    });
    expect(Number.isSafeInteger(payment.id)).toBe(true);
    expect(payment.id).toBeGreaterThan(10_000_000_000);
    expect(payment.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-04:00$/);
    expect(payment.date_approved).toMatch(/-04:00$/);
    expect(payment.money_release_date).toMatch(/-04:00$/);
  });

  it.each([
    ['OTHE', 'cc_rejected_other_reason'],
    ['CALL', 'cc_rejected_call_for_authorize'],
    ['FUND', 'cc_rejected_insufficient_amount'],
    ['SECU', 'cc_rejected_bad_filled_security_code'],
    ['EXPI', 'cc_rejected_bad_filled_date'],
    ['FORM', 'cc_rejected_bad_filled_other'],
    ['CARD', 'cc_rejected_bad_filled_card_number'],
    ['INST', 'cc_rejected_invalid_installments'],
    ['DUPL', 'cc_rejected_duplicated_payment'],
    ['LOCK', 'cc_rejected_card_disabled'],
    ['CTNA', 'cc_rejected_card_type_not_allowed'],
    ['ATTE', 'cc_rejected_max_attempts'],
    ['BLAC', 'cc_rejected_blacklist'],
  ])('should reject a payment with %s as %s, still answering 201', async (name, detail) => {
    const payment = await pay(name);

    expect(payment.api_response.status).toBe(201);
    expect(payment.status).toBe('rejected');
    expect(payment.status_detail).toBe(detail);
    expect(payment.fee_details).toEqual([]);
    expect(payment.date_approved).toBeNull();
  });

  it('should leave a payment with CONT in_process/pending_contingency', async () => {
    const payment = await pay('CONT');

    expect([payment.status, payment.status_detail]).toEqual(['in_process', 'pending_contingency']);
  });

  it('should never leave a binary_mode payment in_process', async () => {
    const payment = await pay('CONT', { binary_mode: true });

    expect(payment.status).toBe('rejected');
    expect(payment.binary_mode).toBe(true);
  });

  it('should authorize without capturing when capture is false', async () => {
    const payment = await pay('APRO', { capture: false });

    expect(payment).toMatchObject({
      status: 'authorized',
      status_detail: 'pending_capture',
      captured: false,
    });
  });

  it('should hide the payer email and document until the money moved', async () => {
    const payment = await pay('CONT');

    expect(payment.payer?.email).toBeNull();
    expect(payment.payer?.identification).toEqual({ type: null, number: null });
  });

  it('should reject more installments than the card allows', async () => {
    const payment = await pay('APRO', { installments: 24 });

    expect(payment.status_detail).toBe('cc_rejected_invalid_installments');
  });

  it('should give item quantity and unit_price back as strings and metadata keys in snake_case', async () => {
    const payment = await pay('APRO', {
      additional_info: { items: [{ id: 'PR1', title: 'Point', quantity: 1, unit_price: 58.8 }] },
      metadata: { orderId: 'o-1' },
    });

    expect(payment.additional_info?.items?.[0]).toMatchObject({
      quantity: '1',
      unit_price: '58.8',
    });
    expect(payment.metadata).toEqual({ order_id: 'o-1' });
  });

  it('should replay the same payment for the same key and body', async () => {
    const token = await cardToken('APRO');
    const body = paymentBody(token);
    const requestOptions = key();

    const first = await new Payment(mp()).create({ body, requestOptions });
    const second = await new Payment(mp()).create({ body, requestOptions });

    expect(second.id).toBe(first.id);
    expect(second.status).toBe('approved');
  });

  it('should answer 409 for the same key with a different body', async () => {
    const token = await cardToken('APRO');
    const requestOptions = key();
    await new Payment(mp()).create({ body: paymentBody(token), requestOptions });

    const attempt = new Payment(mp()).create({
      body: paymentBody(token, { transaction_amount: 99 }),
      requestOptions,
    });

    await expect(attempt).rejects.toBeInstanceOf(MPIdempotencyError);
    await expect(attempt).rejects.toMatchObject({ status: 409 });
  });

  it('should require X-Idempotency-Key', async () => {
    const token = await cardToken('APRO');
    const response = await call(emulator, 'POST', '/v1/payments', paymentBody(token), {
      authorization: `Bearer ${mp().accessToken}`,
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'bad_request', status: 400 });
  });

  it('should refuse a card token used twice with cause 2062', async () => {
    const token = await cardToken('APRO');
    await new Payment(mp()).create({ body: paymentBody(token), requestOptions: key() });

    const again = new Payment(mp()).create({ body: paymentBody(token), requestOptions: key() });

    await expect(again).rejects.toBeInstanceOf(MPBadRequestError);
    await expect(again).rejects.toMatchObject({
      causes: [expect.objectContaining({ code: 2062 })],
    });
  });

  it('should refuse an expired card token with cause 2062', async () => {
    const token = await cardToken('APRO');
    await call(emulator, 'POST', `/__emulator/card-tokens/${token}/expire`);

    const attempt = new Payment(mp()).create({ body: paymentBody(token), requestOptions: key() });

    await expect(attempt).rejects.toMatchObject({
      status: 400,
      causes: [expect.objectContaining({ code: 2062 })],
    });
  });

  it.each([
    ['an unknown card token', { token: 'f'.repeat(32) }, 2006],
    ['a missing transaction_amount', { transaction_amount: undefined }, 4002],
    ['a non-numeric transaction_amount', { transaction_amount: '10' }, 4003],
    ['a negative transaction_amount', { transaction_amount: -1 }, 4037],
    ['three decimals in BRL', { transaction_amount: 10.123 }, 4037],
    ['missing installments', { installments: undefined }, 4004],
    ['a missing payment_method_id', { payment_method_id: undefined }, 4001],
    ['a payment_method_id that is not the card brand', { payment_method_id: 'visa' }, 3028],
    ['an invalid payer email', { payer: { email: 'nope' } }, 4050],
    ['a notification_url that is not a URL', { notification_url: 'not a url' }, 4020],
    [
      'a notification_url over 248 characters',
      { notification_url: `https://x.test/${'a'.repeat(240)}` },
      4021,
    ],
    ['metadata that is not an object', { metadata: 'x' }, 4022],
  ])('should answer 400 for %s', async (_what, overrides, code) => {
    const token = await cardToken('APRO');

    const attempt = new Payment(mp()).create({
      body: paymentBody(token, overrides),
      requestOptions: key(),
    });

    await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      error: 'bad_request',
      causes: [expect.objectContaining({ code, data: null })],
    });
  });

  it('should not spend the token when the request is invalid', async () => {
    const token = await cardToken('APRO');
    await expect(
      new Payment(mp()).create({
        body: paymentBody(token, { installments: undefined }),
        requestOptions: key(),
      }),
    ).rejects.toBeInstanceOf(MPBadRequestError);

    const payment = await new Payment(mp()).create({
      body: paymentBody(token),
      requestOptions: key(),
    });

    expect(payment.status).toBe('approved');
  });

  it('should take a Visa token as visa with its own issuer', async () => {
    const token = await cardToken('APRO', MLB_VISA);

    const payment = await new Payment(mp()).create({
      body: paymentBody(token, { payment_method_id: 'visa' }),
      requestOptions: key(),
    });

    expect([payment.payment_method_id, payment.issuer_id]).toEqual(['visa', '25']);
  });

  it('should answer 401 for an unknown access token', async () => {
    const attempt = new Payment(mp('TEST-unknown-token')).get({ id: 1 });

    await expect(attempt).rejects.toBeInstanceOf(MPAuthenticationError);
    await expect(attempt).rejects.toMatchObject({ status: 401, error: 'unauthorized' });
  });

  it('should answer 404 to another seller, and 401 once its credentials are deleted', async () => {
    const payment = await pay('APRO');
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: OTHER_TOKEN,
      public_key: OTHER_KEY,
    });

    const asOther = new Payment(mp(OTHER_TOKEN)).get({ id: payment.id as number });
    await expect(asOther).rejects.toBeInstanceOf(MPNotFoundError);
    await expect(asOther).rejects.toMatchObject({
      causes: [expect.objectContaining({ code: 2000 })],
    });

    await call(emulator, 'DELETE', `/__emulator/accounts/${OTHER_TOKEN}`);
    await expect(
      new Payment(mp(OTHER_TOKEN)).get({ id: payment.id as number }),
    ).rejects.toBeInstanceOf(MPAuthenticationError);
  });

  it('should mark payments of APP_USR credentials as live_mode', async () => {
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: OTHER_TOKEN,
      public_key: OTHER_KEY,
    });
    const token = await cardToken('APRO', undefined, OTHER_TOKEN);

    const payment = await new Payment(mp(OTHER_TOKEN)).create({
      body: paymentBody(token),
      requestOptions: key(),
    });

    expect([payment.live_mode, payment.collector_id]).toEqual([true, 2000000002]);
  });

  it('should read a payment back with GET /v1/payments/{id}', async () => {
    const created = await pay('APRO');

    const read = await new Payment(mp()).get({ id: created.id as number });

    expect(read.api_response.status).toBe(200);
    expect({ ...read, api_response: undefined }).toEqual({ ...created, api_response: undefined });
  });

  it('should answer 404 in Mercado Pago shape for unknown routes', async () => {
    const response = await call(emulator, 'GET', '/v1/nothing-here');

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'not_found', status: 404, cause: [] });
  });
});
