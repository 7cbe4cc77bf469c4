import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { PaymentsReconciler } from '../../src/payments/payments.reconciler';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  cardToken,
  chargesAt,
  emulator,
  pay,
  paymentBody,
  paymentsByReference,
  postPayment,
  postRefund,
  refundsOf,
  syncNow,
} from '../support/payments';

describe('When Mercado Pago fails or does not answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        MERCADOPAGO_TIMEOUT_MS: '300',
        MERCADOPAGO_MAX_RETRIES: '1',
        RECONCILE_INTERVAL_SECONDS: '0',
      },
    });
  });
  afterAll(() => t.close());
  afterEach(() => emulator(t, 'DELETE', '/__emulator/faults'));

  const fault = (spec: Record<string, unknown>) =>
    emulator(t, 'POST', '/__emulator/faults', { method: 'POST', path: '/v1/payments', ...spec });

  it('should answer 502, keep the payment submitting, and settle it on a retry with the same key', async () => {
    await fault({ status: 500 });
    const key = randomUUID();
    const reference = `down-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    const failed = await postPayment(t, body, key);
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('GATEWAY_UNAVAILABLE');

    const held = await paymentsByReference(t, reference);
    expect(held).toMatchObject([{ status: 'submitting', mercadopago_id: null }]);

    await emulator(t, 'DELETE', '/__emulator/faults');
    const retried = await postPayment(t, body, key).expect(201);
    expect(retried.body).toMatchObject({ id: held[0].id, status: 'approved' });
    expect(await chargesAt(t, reference)).toBe(1);
  });

  it('should not charge twice when Mercado Pago charged but the answer was lost', async () => {
    // Mercado Pago creates the payment, then the answer is a 500 every time (both SDK attempts).
    await fault({ status: 500, after: true, count: 2 });
    const key = randomUUID();
    const reference = `lost-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    expect((await postPayment(t, body, key)).status).toBe(502);
    expect(await chargesAt(t, reference)).toBe(1);

    const retried = await postPayment(t, body, key).expect(201);
    expect(retried.body.status).toBe('approved');
    expect(await chargesAt(t, reference)).toBe(1);
  });

  it('should answer 504 on a timeout and let the reconciler settle the payment', async () => {
    await fault({ timeout: true, after: true, count: 2 });
    const key = randomUUID();
    const reference = `timeout-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    const failed = await postPayment(t, body, key);
    expect(failed.status).toBe(504);
    expect(failed.body.error.code).toBe('GATEWAY_UNAVAILABLE');

    // The reconciler's next pass is due later; bring it forward instead of waiting.
    expect(await syncNow(t, sql`external_reference = ${reference}`)).toBeGreaterThanOrEqual(1);

    const settled = await paymentsByReference(t, reference);
    expect(settled).toMatchObject([{ status: 'approved' }]);
    expect(await chargesAt(t, reference)).toBe(1);
    // The caller's own retry now gets the settled answer, and nothing is charged again.
    const replay = await postPayment(t, body, key).expect(201);
    expect(replay.body).toMatchObject({ id: settled[0].id, status: 'approved' });
    expect(await chargesAt(t, reference)).toBe(1);
  });

  it('should record a refused request as failed, charge nothing, and say why', async () => {
    const key = randomUUID();
    const reference = `refused-${key}`;
    const res = await postPayment(
      t,
      paymentBody('0123456789abcdef0123456789abcdef', { external_reference: reference }),
      key,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('GATEWAY_REJECTED');
    expect(res.body.error.details.causes.length).toBeGreaterThan(0);
    const list = await paymentsByReference(t, reference);
    expect(list).toMatchObject([{ status: 'failed', mercadopago_id: null }]);
    expect(await chargesAt(t, reference)).toBe(0);

    const replay = await postPayment(
      t,
      paymentBody('0123456789abcdef0123456789abcdef', { external_reference: reference }),
      key,
    );
    expect(replay.status).toBe(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.error).toMatchObject({
      code: 'GATEWAY_REJECTED',
      request_id: replay.headers['x-request-id'],
    });
  });

  it('should keep a refund reserved while Mercado Pago is down and let the reconciler finish it', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 50 });
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'POST',
      path: '/v1/payments/:id/refunds',
      status: 503,
    });
    const refund = () => postRefund(t, payment.id, { amount: 30 });
    expect((await refund()).status).toBe(502);
    // The 30 stays reserved while its outcome is unknown: only 20 is left to ask for.
    const second = await refund();
    expect(second.status).toBe(422);
    expect(second.body.error.details).toEqual({ available_amount: 20 });

    await emulator(t, 'DELETE', '/__emulator/faults');
    await t.database.db.execute(
      sql`UPDATE refunds SET updated_at = now() - interval '2 minutes' WHERE payment_id = ${payment.id}`,
    );
    await t.app.get(PaymentsReconciler).runOnce();
    expect(await refundsOf(t, payment.id)).toMatchObject([{ amount: 30, status: 'approved' }]);
    const read = await t.http().get(`/v1/payments/${payment.id}`).set(bearer(t.adminToken));
    expect(read.body).toMatchObject({ status_detail: 'partially_refunded', amount_refunded: 30 });
  });

  it('should treat an answer it cannot read like no answer: 502 and the payment kept submitting', async () => {
    await fault({ status: 201, body: { id: 1, status: 'teleported', currency_id: 'BRL' } });
    const key = randomUUID();
    const reference = `unreadable-${key}`;
    const res = await postPayment(
      t,
      paymentBody(await cardToken(t), { external_reference: reference }),
      key,
    );
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('GATEWAY_UNAVAILABLE');
    const held = await paymentsByReference(t, reference);
    expect(held).toMatchObject([{ status: 'submitting' }]);
  });

  it('should re-read the payment soon when it cannot be read right after a refund, and end a full refund as refunded', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 50 });
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'GET',
      path: '/v1/payments/:id',
      status: 500,
    });
    const refund = await postRefund(t, payment.id).expect(201);
    expect(refund.body).toMatchObject({ amount: 50, status: 'approved' });
    // No number is patched in: the payment is due for a re-read at once.
    const due = await t.database.db.execute(
      sql`SELECT next_sync_at <= now() AS due FROM payments WHERE id = ${payment.id}`,
    );
    expect((due as { rows: { due: boolean }[] }).rows[0].due).toBe(true);

    await emulator(t, 'DELETE', '/__emulator/faults');
    await t.app.get(PaymentsReconciler).runOnce();
    const read = await t.http().get(`/v1/payments/${payment.id}`).set(bearer(t.adminToken));
    expect(read.body).toMatchObject({ status: 'refunded', amount_refunded: 50 });
  });
});
