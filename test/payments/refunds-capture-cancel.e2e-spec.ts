import { randomUUID } from 'node:crypto';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { Json, emulator, pay, postRefund } from '../support/payments';

describe('Refunds, capture and cancel', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const refund = (paymentId: string, body?: object, key?: string) =>
    postRefund(t, paymentId, body, key);
  const read = async (id: string): Promise<Json> =>
    (await t.http().get(`/v1/payments/${id}`).set(bearer(t.adminToken)).expect(200)).body;

  it('should refund part, then the rest, and never more than was paid', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 100 });
    const part = await refund(payment.id, { amount: '30.10' });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ payment_id: payment.id, amount: 30.1, status: 'approved' });
    expect(await read(payment.id)).toMatchObject({
      status: 'approved',
      status_detail: 'partially_refunded',
      amount_refunded: 30.1,
    });

    const tooMuch = await refund(payment.id, { amount: 69.91 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_AVAILABLE',
      details: { available_amount: 69.9 },
    });

    const rest = await refund(payment.id);
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(69.9);
    expect(await read(payment.id)).toMatchObject({ status: 'refunded', amount_refunded: 100 });

    const list = await t
      .http()
      .get(`/v1/payments/${payment.id}/refunds`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(list.body.data.map((r: Json) => r.amount)).toEqual([30.1, 69.9]);

    const again = await refund(payment.id, { amount: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'PAYMENT_INVALID_STATE',
      details: { status: 'refunded' },
    });
  });

  it('should replay a refund for the same key instead of refunding twice', async () => {
    const payment = await pay(t);
    const key = randomUUID();
    const first = await refund(payment.id, { amount: 10 }, key);
    const second = await refund(payment.id, { amount: 10 }, key);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect((await read(payment.id)).amount_refunded).toBe(10);
  });

  it('should never overdraw under concurrent refunds', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 100 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => refund(payment.id, { amount: 40 })),
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 201, 422, 422, 422]);
    expect((await read(payment.id)).amount_refunded).toBe(80);
  });

  it('should refuse to refund a rejected payment', async () => {
    const payment = await pay(t, 'FUND');
    const res = await refund(payment.id);
    expect(res.status).toBe(409);
    expect(res.body.error.details.status).toBe('rejected');
    const list = await t
      .http()
      .get(`/v1/payments/${payment.id}/refunds`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('should capture a smaller amount of an authorized payment, and not more', async () => {
    const payment = await pay(t, 'APRO', { capture: false, transaction_amount: 110 });
    const tooMuch = await t
      .http()
      .post(`/v1/payments/${payment.id}/capture`)
      .set(bearer(t.adminToken))
      .send({ amount: 110.01 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({
      code: 'PAYMENT_CAPTURE_EXCEEDS_AUTHORIZED',
      details: { authorized_amount: 110 },
    });

    const captured = await t
      .http()
      .post(`/v1/payments/${payment.id}/capture`)
      .set(bearer(t.adminToken))
      .send({ amount: 40 })
      .expect(200);
    expect(captured.body).toMatchObject({
      status: 'approved',
      status_detail: 'accredited',
      captured: true,
      transaction_amount: 40,
    });

    const twice = await t
      .http()
      .post(`/v1/payments/${payment.id}/capture`)
      .set(bearer(t.adminToken))
      .send({});
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({
      code: 'PAYMENT_INVALID_STATE',
      details: { status: 'approved' },
    });
  });

  it('should cancel authorized and in-process payments, but not approved ones', async () => {
    const authorized = await pay(t, 'APRO', { capture: false });
    const cancelled = await t
      .http()
      .post(`/v1/payments/${authorized.id}/cancel`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', status_detail: 'by_collector' });

    const inProcess = await pay(t, 'CONT');
    await t
      .http()
      .post(`/v1/payments/${inProcess.id}/cancel`)
      .set(bearer(t.adminToken))
      .expect(200);

    const approved = await pay(t);
    const refused = await t
      .http()
      .post(`/v1/payments/${approved.id}/cancel`)
      .set(bearer(t.adminToken));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'PAYMENT_INVALID_STATE',
      details: { status: 'approved', allowed: ['pending', 'in_process', 'authorized'] },
    });
  });

  it('should re-read a payment from Mercado Pago on sync', async () => {
    const payment = await pay(t, 'CONT');
    const moved = await emulator(
      t,
      'POST',
      `/__emulator/payments/${payment.mercadopago_id}/transition`,
      {
        status: 'approved',
      },
    );
    expect(moved.status).toBe(200);
    const synced = await t
      .http()
      .post(`/v1/payments/${payment.id}/sync`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(synced.body).toMatchObject({ status: 'approved', status_detail: 'accredited' });
  });
});
