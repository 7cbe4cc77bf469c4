import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../../emulator';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  Json,
  cardToken,
  chargesAt,
  emulator,
  emulatorUrl,
  pay,
  paymentBody,
  paymentsByReference,
  postPayment,
  postRefund,
  refundsOf,
  syncNow,
} from '../support/payments';
import { eventually, getPayment } from '../webhooks/webhooks.helper';

/**
 * One payment per charge whatever Mercado Pago does: lost answers, notifications that arrive
 * before the answer, answers that never come. The app receives the emulator's notifications, so
 * they race every answer here as in production.
 */
describe('The money path: one payment per charge, whatever Mercado Pago does', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        // The SDK retries nothing, so a lost answer stays lost until we act.
        MERCADOPAGO_MAX_RETRIES: '0',
        MERCADOPAGO_TIMEOUT_MS: '3000',
        RECONCILE_INTERVAL_SECONDS: '0',
        WEBHOOK_RETRY_BASE_MS: '20',
      },
    });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    await emulator(t, 'DELETE', '/__emulator/faults');
    await emulator(t, 'DELETE', '/__emulator/notification-faults');
  });

  const fault = (spec: Record<string, unknown>) =>
    emulator(t, 'POST', '/__emulator/faults', { method: 'POST', path: '/v1/payments', ...spec });
  const byReference = (reference: string) => paymentsByReference(t, reference);
  const capture = (paymentId: string, amount: number) =>
    t.http().post(`/v1/payments/${paymentId}/capture`).set(bearer(t.adminToken)).send({ amount });
  /** How many times our payment `id` was sent: every send carries its own derived key. */
  const sentToMercadoPago = async (id: string) => {
    const log = await emulator(t, 'GET', '/__emulator/requests?method=POST&path=/v1/payments');
    return (log.body as Json[]).filter(
      (r) => r.headers['x-idempotency-key'] === `mps-payment-${id}`,
    ).length;
  };
  /** Moves a payment's first send back in time, past the re-send window (600 s by default). */
  const ageBeyondWindow = (reference: string) =>
    t.database.db.execute(
      sql`UPDATE payments SET created_at = now() - interval '11 minutes' WHERE external_reference = ${reference}`,
    );

  it('should adopt the notification of a charge whose answer was lost, and answer the retry with that one payment', async () => {
    await fault({ status: 500, after: true, count: 1 });
    const key = randomUUID();
    const reference = `race-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    expect((await postPayment(t, body, key)).status).toBe(502);

    // Mercado Pago's notification arrives before the caller retries: it settles our own row.
    const [held] = await byReference(reference);
    const adopted = await eventually('the notification adopted our payment', async () => {
      const payment = await getPayment(t, held.id);
      return payment.status === 'approved' && payment;
    });
    expect(adopted.mercadopago_id).toEqual(expect.any(Number));

    const retried = await postPayment(t, body, key).expect(201);
    expect(retried.body).toMatchObject({ id: held.id, status: 'approved' });
    expect(await byReference(reference)).toHaveLength(1);
    expect(await chargesAt(t, reference)).toBe(1);
  });

  it('should treat "10.50" and 10.5 as the same request under one key', async () => {
    const key = randomUUID();
    const token = await cardToken(t);
    const first = await postPayment(t, paymentBody(token, { transaction_amount: '10.50' }), key);
    expect(first.status).toBe(201);
    const again = await postPayment(t, paymentBody(token, { transaction_amount: 10.5 }), key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('should settle an unanswered payment from Mercado Pago once its re-send window is over, without sending it again', async () => {
    await fault({ status: 500, after: true, count: 1 });
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop', count: 1 });
    const key = randomUUID();
    const reference = `late-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    expect((await postPayment(t, body, key)).status).toBe(502);
    await ageBeyondWindow(reference);

    const settled = await postPayment(t, body, key).expect(201);
    expect(settled.body).toMatchObject({ status: 'approved', mercadopago_id: expect.any(Number) });
    expect(await sentToMercadoPago(settled.body.id)).toBe(1);
    expect(await chargesAt(t, reference)).toBe(1);
  });

  it('should abandon a payment Mercado Pago never made once its window is over, and never send it again', async () => {
    await fault({ status: 500 });
    const key = randomUUID();
    const reference = `never-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    expect((await postPayment(t, body, key)).status).toBe(502);
    await ageBeyondWindow(reference);
    await emulator(t, 'DELETE', '/__emulator/faults');

    await syncNow(t, sql`external_reference = ${reference}`);
    const [abandoned] = await byReference(reference);
    expect(abandoned).toMatchObject({ status: 'abandoned', mercadopago_id: null });
    expect(abandoned.buyer_message.en).toMatch(/not charged/);
    expect(abandoned.failure.reason).toMatch(/no charge found/);
    const events = await t.database.db.execute(
      sql`SELECT type FROM outbox_events WHERE subject_id = ${abandoned.id} ORDER BY seq`,
    );
    expect((events as { rows: Json[] }).rows.map((r) => r.type)).toContain('payment.abandoned');

    // The caller's retry hours later gets the same ending, and the buyer is not charged.
    const retried = await postPayment(t, body, key).expect(201);
    expect(retried.body).toMatchObject({ id: abandoned.id, status: 'abandoned' });
    expect(await sentToMercadoPago(abandoned.id)).toBe(1);
    expect(await chargesAt(t, reference)).toBe(0);
  });

  it('should settle a payment whose idempotency key was purged after its 24 hours', async () => {
    await fault({ status: 500, after: true, count: 1 });
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop', count: 1 });
    const reference = `purged-${randomUUID()}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    expect((await postPayment(t, body)).status).toBe(502);
    const [held] = await byReference(reference);
    await t.database.db.execute(
      sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE resource_id = ${held.id}`,
    );

    await syncNow(t, sql`id = ${held.id}`);
    const keys = await t.database.db.execute(
      sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE resource_id = ${held.id}`,
    );
    expect((keys as { rows: Json[] }).rows[0].n).toBe(0);
    expect((await getPayment(t, held.id)).status).toBe('approved');
    expect(await chargesAt(t, reference)).toBe(1);
  });

  it('should let only the current holder of a key store its answer (fencing a holder whose lease ran out)', async () => {
    const idempotency = t.app.get(IdempotencyService);
    const id = { owner: 'fence-test', scope: 'fence', key: randomUUID() };
    const resource = randomUUID();
    const first = await idempotency.start(id, { a: 1 }, () => Promise.resolve(resource));
    await t.database.db.execute(
      sql`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = ${id.key}`,
    );
    const second = await idempotency.start(id, { a: 1 }, () => Promise.resolve(resource));
    expect(second.kind).toBe('resume');
    if (first.kind === 'replay' || second.kind === 'replay') throw new Error('unexpected replay');

    // The stale holder finishes last: without the fence its answer would overwrite the right one.
    await idempotency.complete(t.database.db, second.ref, 201, { from: 'current holder' });
    await idempotency.complete(t.database.db, first.ref, 201, { from: 'stale holder' });
    await idempotency.release(first.ref);
    const replay = await idempotency.start(id, { a: 1 }, () => Promise.resolve(resource));
    expect(replay).toMatchObject({ kind: 'replay', body: { from: 'current holder' } });
  });

  const readableAnswer = (): Json => ({
    id: 1,
    status: 'approved',
    status_detail: 'accredited',
    currency_id: 'BRL',
    transaction_amount: 100,
    captured: true,
    installments: 1,
    live_mode: false,
    payment_method_id: 'master',
    refunds: [],
  });

  it('should treat an answer without amount, capture flag or installments as no answer, never a default', async () => {
    for (const missing of ['transaction_amount', 'captured', 'installments']) {
      const answer = readableAnswer();
      delete answer[missing];
      await fault({ status: 201, body: answer, count: 1 });
      const reference = `missing-${missing}-${randomUUID()}`;
      const res = await postPayment(
        t,
        paymentBody(await cardToken(t), { external_reference: reference }),
      );
      expect(res.status).toBe(502);
      expect(res.body.error.message).toContain(missing);
      expect((await byReference(reference))[0]).toMatchObject({ status: 'submitting' });
    }
  });

  it('should treat an unknown status_detail as no answer', async () => {
    await fault({
      status: 201,
      count: 1,
      body: { ...readableAnswer(), status_detail: 'teleported' },
    });
    const res = await postPayment(t, paymentBody(await cardToken(t)));
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('teleported');
  });

  it('should send a capture asked again after its answer was lost under the same key, capturing once', async () => {
    const payment = await pay(t, 'APRO', { capture: false });
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'PUT',
      path: '/v1/payments/:id',
      status: 500,
      after: true,
      count: 1,
    });
    // Its notification is lost too, so our row still says authorized when the caller asks again.
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop', count: 1 });
    expect((await capture(payment.id, 60)).status).toBe(502);

    const again = await capture(payment.id, 60).expect(200);
    expect(again.body).toMatchObject({
      status: 'approved',
      captured: true,
      transaction_amount: 60,
    });
    const log = await emulator(t, 'GET', '/__emulator/requests?method=PUT');
    const puts = (log.body as Json[]).filter(
      (r) => r.path === `/v1/payments/${payment.mercadopago_id}`,
    );
    expect(puts).toHaveLength(2);
    expect(new Set(puts.map((r) => r.headers['x-idempotency-key'])).size).toBe(1);
  });

  it('should let a corrected capture through after Mercado Pago refused the first amount', async () => {
    const payment = await pay(t, 'APRO', { capture: false });
    await emulator(t, 'POST', '/__emulator/faults', {
      method: 'PUT',
      path: '/v1/payments/:id',
      status: 400,
      count: 1,
      body: { message: 'invalid amount', error: 'bad_request', status: 400, cause: [] },
    });
    expect((await capture(payment.id, 70)).status).toBe(422);
    const corrected = await capture(payment.id, 65).expect(200);
    expect(corrected.body).toMatchObject({ status: 'approved', transaction_amount: 65 });
  });

  it('should find a refund made in the panel whose notification was lost, by re-reading approved payments', async () => {
    const payment = await pay(t, 'APRO', { transaction_amount: 80 });
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'drop' });
    const refund = await fetch(`${emulatorUrl(t)}/v1/payments/${payment.mercadopago_id}/refunds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${EMULATOR_DEFAULT_ACCESS_TOKEN}`,
        'content-type': 'application/json',
        'x-idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ amount: 30 }),
    });
    expect(refund.status).toBe(201);
    expect((await getPayment(t, payment.id)).amount_refunded).toBe(0);

    // The approved payment is on the slow watch: its next look finds the refund.
    const watched = await t.database.db.execute(
      sql`SELECT next_sync_at > now() + interval '30 minutes' AS later FROM payments WHERE id = ${payment.id}`,
    );
    expect((watched as { rows: Json[] }).rows[0].later).toBe(true);
    await syncNow(t, sql`id = ${payment.id}`);
    expect(await getPayment(t, payment.id)).toMatchObject({
      status: 'approved',
      status_detail: 'partially_refunded',
      amount_refunded: 30,
    });
    expect(await refundsOf(t, payment.id)).toMatchObject([{ amount: 30, status: 'approved' }]);
    // What the panel refunded is no longer available to refund here.
    const tooMuch = await postRefund(t, payment.id, { amount: 60 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.details).toEqual({ available_amount: 50 });
  });

  describe('refunds, as Mercado Pago ends them', () => {
    const refund = (paymentId: string, amount?: number) =>
      postRefund(t, paymentId, amount === undefined ? undefined : { amount });
    /** The emulator's convention: this metadata makes every refund of the payment end so. */
    const payWithRefundOutcome = (outcome: string) =>
      pay(t, 'APRO', { transaction_amount: 40, metadata: { emulator_refund_outcome: outcome } });

    it('should hold an in_process refund reserved until Mercado Pago approves it', async () => {
      const payment = await payWithRefundOutcome('in_process');
      const pending = await refund(payment.id, 25).expect(201);
      expect(pending.body).toMatchObject({ status: 'in_process', amount: 25 });
      // Still spoken for: only 15 may be asked for.
      const second = await refund(payment.id, 20);
      expect(second.status).toBe(422);
      expect(second.body.error.details).toEqual({ available_amount: 15 });

      await emulator(
        t,
        'POST',
        `/__emulator/payments/${payment.mercadopago_id}/refunds/${pending.body.mercadopago_id}/transition`,
        { status: 'approved' },
      );
      // Mercado Pago's notification, or failing that the sweep, brings the outcome in.
      await syncNow(t, sql`id = ${payment.id}`);
      const approved = await eventually('the refund approved', async () => {
        const [row] = await refundsOf(t, payment.id);
        return row.status === 'approved' && row;
      });
      expect(approved).toMatchObject({ amount: 25 });
      expect(await getPayment(t, payment.id)).toMatchObject({ amount_refunded: 25 });
    });

    it('should give the money back to refund when Mercado Pago rejects a refund', async () => {
      const payment = await payWithRefundOutcome('rejected');
      const rejected = await refund(payment.id).expect(201);
      expect(rejected.body).toMatchObject({ status: 'rejected', amount: 40 });
      expect(await getPayment(t, payment.id)).toMatchObject({
        status: 'approved',
        amount_refunded: 0,
      });
      await emulator(t, 'POST', `/__emulator/payments/${payment.mercadopago_id}/refund-outcome`, {
        status: 'approved',
      });
      const full = await refund(payment.id).expect(201);
      expect(full.body).toMatchObject({ status: 'approved', amount: 40 });
      const refunded = await eventually('the payment refunded', async () => {
        const read = await getPayment(t, payment.id);
        return read.status === 'refunded' && read;
      });
      expect(refunded.amount_refunded).toBe(40);
    });

    it('should treat a refund answer with an unknown status as no answer, keeping it reserved', async () => {
      const payment = await pay(t, 'APRO', { transaction_amount: 40 });
      await emulator(t, 'POST', '/__emulator/faults', {
        method: 'POST',
        path: '/v1/payments/:id/refunds',
        status: 201,
        count: 1,
        body: { id: 99, amount: 10, status: 'maybe' },
      });
      const res = await refund(payment.id, 10);
      expect(res.status).toBe(502);
      expect(res.body.error.message).toContain('maybe');
      expect(await refundsOf(t, payment.id)).toMatchObject([{ status: 'submitting', amount: 10 }]);
    });
  });
});
