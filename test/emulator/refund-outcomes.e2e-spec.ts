import { MPBadRequestError, MPNotFoundError, Payment, PaymentRefund } from 'mercadopago';
import type { RunningEmulator } from '../../emulator';
import {
  call,
  cardToken,
  key,
  mp,
  paymentBody,
  Receiver,
  renderInProcessRefunds,
  startTestEmulator,
} from './emulator.helper';

describe('refunds that do not finish at once (in_process, rejected, cancelled)', () => {
  let emulator: RunningEmulator;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  /** The payment's own deliveries: another test's may still be arriving. */
  async function notificationsFor(id: number, count: number) {
    for (;;) {
      const mine = receiver.received.filter((r) => r.url.searchParams.get('data.id') === `${id}`);
      if (mine.length >= count) return mine;
      await receiver.waitFor(receiver.received.length + 1);
    }
  }

  async function pay(amount: number, metadata: Record<string, unknown> = {}): Promise<number> {
    const token = await cardToken('APRO');
    const payment = await new Payment(mp()).create({
      body: paymentBody(token, {
        transaction_amount: amount,
        notification_url: receiver.url,
        metadata,
      }),
      requestOptions: key(),
    });
    return payment.id as number;
  }

  /** A refund that sees in_process ones: the header goes on every call. */
  function refund(paymentId: number, amount?: number) {
    const requestOptions = renderInProcessRefunds(undefined, key());
    const refunds = new PaymentRefund(mp());
    return amount === undefined
      ? refunds.total({ payment_id: paymentId, requestOptions })
      : refunds.create({ payment_id: paymentId, body: { amount }, requestOptions });
  }

  const control = (path: string, body: unknown) =>
    call(emulator, 'POST', `/__emulator/payments/${path}`, body);

  const get = (id: number) => new Payment(mp()).get({ id });

  describe('the metadata convention', () => {
    it('should leave the refund in_process when emulator_refund_outcome is in_process', async () => {
      const id = await pay(10, { emulator_refund_outcome: 'in_process' });

      const created = await refund(id, 4);
      const payment = await get(id);

      expect(created.api_response.status).toBe(201);
      expect(created).toMatchObject({
        amount: 4,
        status: 'in_process',
        amount_refunded_to_payer: 0,
      });
      expect(payment).toMatchObject({
        status: 'approved',
        status_detail: 'accredited',
        transaction_amount_refunded: 0,
      });
      expect(payment.refunds?.map((r) => [r.id, r.status])).toEqual([[created.id, 'in_process']]);
    });

    it('should take the key in camelCase too, as metadata keys are snake_cased', async () => {
      const id = await pay(10, { emulatorRefundOutcome: 'rejected' });

      const created = await refund(id);
      const payment = await get(id);

      expect(created).toMatchObject({
        amount: 10,
        status: 'rejected',
        amount_refunded_to_payer: 0,
      });
      expect(payment).toMatchObject({ status: 'approved', transaction_amount_refunded: 0 });
      expect(payment.refunds?.map((r) => r.status)).toEqual(['rejected']);
    });

    it('should give a rejected refund its money back, so the next one can take it all', async () => {
      const id = await pay(10, { emulator_refund_outcome: 'rejected' });
      await refund(id, 10);
      await control(`${id}/refund-outcome`, { status: 'approved' });

      const approved = await refund(id);

      expect(approved).toMatchObject({ amount: 10, status: 'approved' });
      expect(await get(id)).toMatchObject({ status: 'refunded', transaction_amount_refunded: 10 });
    });
  });

  describe('X-Render-In-Process-Refunds', () => {
    it('should answer 400 without the header, yet make the refund and hold its money', async () => {
      const id = await pay(10, { emulator_refund_outcome: 'in_process' });
      const requestOptions = key();

      const attempt = new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 6 },
        requestOptions,
      });

      await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
      const [made] = await new PaymentRefund(mp()).list({
        payment_id: id,
        requestOptions: renderInProcessRefunds(),
      });
      expect(made).toMatchObject({ amount: 6, status: 'in_process' });
      await expect(refund(id, 4.01)).rejects.toMatchObject({
        causes: [expect.objectContaining({ code: 4037 })],
      });

      // A retry with the same key shows the refund as it is now: once approved, a 201.
      await control(`${id}/refunds/${String(made?.id)}/transition`, { status: 'approved' });
      const retried = await new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 6 },
        requestOptions,
      });
      expect(retried).toMatchObject({ id: made?.id, status: 'approved' });
    });

    it('should leave in_process refunds out of GETs without the header', async () => {
      const id = await pay(10);
      const approved = await refund(id, 3);
      await control(`${id}/refund-outcome`, { status: 'in_process' });
      const inProcess = await refund(id, 2);
      const refunds = new PaymentRefund(mp());

      const bare = await refunds.list({ payment_id: id });
      const rendered = await new PaymentRefund(mp()).list({
        payment_id: id,
        requestOptions: renderInProcessRefunds(),
      });
      const one = await new PaymentRefund(mp()).get({
        payment_id: id,
        refund_id: inProcess.id as number,
        requestOptions: renderInProcessRefunds(),
      });

      expect(bare.map((r) => r.id)).toEqual([approved.id]);
      expect(rendered.map((r) => [r.id, r.status])).toEqual([
        [approved.id, 'approved'],
        [inProcess.id, 'in_process'],
      ]);
      expect(one).toMatchObject({ id: inProcess.id, status: 'in_process' });
      await expect(
        new PaymentRefund(mp()).get({ payment_id: id, refund_id: inProcess.id as number }),
      ).rejects.toMatchObject({ status: 400 });
    });

    it('should record the header in the request log', async () => {
      const id = await pay(10);
      await refund(id, 1);

      const log = await call(
        emulator,
        'GET',
        `/__emulator/requests?method=POST&path=/v1/payments/${id}/refunds`,
      );

      expect(log.body[0].headers['x-render-in-process-refunds']).toBe('true');
    });
  });

  describe('POST /__emulator/payments/{id}/refund-outcome', () => {
    it('should set the next count refunds, then fall back to the metadata', async () => {
      const id = await pay(10, { emulator_refund_outcome: 'rejected' });

      const set = await control(`${id}/refund-outcome`, { status: 'in_process', count: 2 });
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await refund(id, 1)).status);

      expect(set.body).toEqual({ payment_id: id, refund_outcomes: ['in_process', 'in_process'] });
      expect(statuses).toEqual(['in_process', 'in_process', 'rejected']);
    });

    it('should not spend an outcome on a refund Mercado Pago refuses', async () => {
      const id = await pay(10);
      await control(`${id}/refund-outcome`, { status: 'in_process' });

      await expect(refund(id, 11)).rejects.toBeInstanceOf(MPBadRequestError);
      expect((await refund(id, 1)).status).toBe('in_process');
    });

    it.each([
      [{ status: 'cancelled' }, 400],
      [{ status: 'in_process', count: 0 }, 400],
    ])('should refuse %j', async (body, status) => {
      const id = await pay(10);

      expect((await control(`${id}/refund-outcome`, body)).status).toBe(status);
    });

    it('should answer 404 for an unknown payment', async () => {
      expect((await control('1/refund-outcome', { status: 'rejected' })).status).toBe(404);
    });
  });

  describe('POST /__emulator/payments/{id}/refunds/{refund_id}/transition', () => {
    async function inProcess(amount: number, refundAmount?: number) {
      const id = await pay(amount, { emulator_refund_outcome: 'in_process' });
      const created = await refund(id, refundAmount);
      return { id, refundId: created.id as number };
    }

    it('should approve an in_process refund: refunded amount, status, and a payment.updated', async () => {
      const { id, refundId } = await inProcess(0.3);
      const before = await get(id);
      await notificationsFor(id, 2);

      const moved = await control(`${id}/refunds/${refundId}/transition`, { status: 'approved' });
      const after = await get(id);
      const one = await new PaymentRefund(mp()).get({ payment_id: id, refund_id: refundId });
      const requests = await notificationsFor(id, 3);

      expect(moved.body).toMatchObject({ id: refundId, status: 'approved', amount: 0.3 });
      expect(moved.body.amount_refunded_to_payer).toBe(0.3);
      expect(after).toMatchObject({
        status: 'refunded',
        status_detail: 'refunded',
        transaction_amount_refunded: 0.3,
      });
      expect(after.refunds?.map((r) => r.status)).toEqual(['approved']);
      expect(after.date_last_updated).not.toBe(before.date_last_updated);
      expect(one.status).toBe('approved');
      expect(requests[2]?.body).toMatchObject({ action: 'payment.updated', data: { id: `${id}` } });
    });

    it('should keep a partial approval approved/partially_refunded', async () => {
      const { id, refundId } = await inProcess(10, 2.5);

      await control(`${id}/refunds/${refundId}/transition`, { status: 'approved' });

      expect(await get(id)).toMatchObject({
        status: 'approved',
        status_detail: 'partially_refunded',
        transaction_amount_refunded: 2.5,
      });
    });

    it.each(['rejected', 'cancelled'])(
      'should give the money back when %s and notify the payment',
      async (status) => {
        const { id, refundId } = await inProcess(10);
        await notificationsFor(id, 2);

        const moved = await control(`${id}/refunds/${refundId}/transition`, { status });
        const requests = await notificationsFor(id, 3);
        await control(`${id}/refund-outcome`, { status: 'approved' });
        const again = await refund(id);

        expect(moved.body).toMatchObject({ status, amount_refunded_to_payer: 0 });
        expect(requests[2]?.body.action).toBe('payment.updated');
        expect(again.amount).toBe(10);
        expect((await get(id)).refunds?.map((r) => r.status)).toEqual([status, 'approved']);
      },
    );

    it('should refuse to move a refund that is no longer in_process, with a 409', async () => {
      const { id, refundId } = await inProcess(10);
      await control(`${id}/refunds/${refundId}/transition`, { status: 'cancelled' });

      const again = await control(`${id}/refunds/${refundId}/transition`, { status: 'approved' });

      expect(again.status).toBe(409);
      expect(again.body.message).toContain('allowed: none');
    });

    it('should refuse a status an in_process refund cannot take, with a 409', async () => {
      const { id, refundId } = await inProcess(10);

      const attempt = await control(`${id}/refunds/${refundId}/transition`, {
        status: 'in_process',
      });

      expect(attempt.status).toBe(409);
      expect(attempt.body.message).toContain('allowed: approved, rejected, cancelled');
    });

    it('should answer 404 for an unknown refund', async () => {
      const id = await pay(10);

      const attempt = await control(`${id}/refunds/1/transition`, { status: 'approved' });

      expect(attempt.status).toBe(404);
      await expect(
        new PaymentRefund(mp()).get({ payment_id: id, refund_id: 1 }),
      ).rejects.toBeInstanceOf(MPNotFoundError);
    });
  });
});
