import {
  MPBadRequestError,
  MPIdempotencyError,
  MPNotFoundError,
  Payment,
  PaymentRefund,
} from 'mercadopago';
import type { RunningEmulator } from '../../emulator';
import { mpDate } from '../../emulator/common/dates.util';
import { call, cardToken, key, mp, paymentBody, pay, startTestEmulator } from './emulator.helper';

describe('capture, cancel, refunds and search through the official SDK', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  describe('capture', () => {
    it('should capture the full authorized amount', async () => {
      const authorized = await pay('APRO', { capture: false, transaction_amount: 110 });

      const captured = await new Payment(mp()).capture({
        id: authorized.id as number,
        requestOptions: key(),
      });

      expect(captured).toMatchObject({
        status: 'approved',
        status_detail: 'accredited',
        captured: true,
        transaction_amount: 110,
      });
      expect(captured.date_approved).not.toBeNull();
    });

    it('should capture a smaller amount and charge the fee on it only', async () => {
      const authorized = await pay('APRO', { capture: false, transaction_amount: 110 });

      const captured = await new Payment(mp()).capture({
        id: authorized.id as number,
        transaction_amount: 40,
        requestOptions: key(),
      });

      expect(captured).toMatchObject({ status: 'approved', transaction_amount: 40 });
      expect(captured.fee_details?.[0]?.amount).toBe(1.8);
      expect(captured.transaction_details?.net_received_amount).toBe(38.2);
    });

    it('should never capture more than was authorized', async () => {
      const authorized = await pay('APRO', { capture: false, transaction_amount: 110 });

      const attempt = new Payment(mp()).capture({
        id: authorized.id as number,
        transaction_amount: 110.01,
        requestOptions: key(),
      });

      await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
      await expect(attempt).rejects.toMatchObject({
        causes: [expect.objectContaining({ code: 2017 })],
      });
    });

    it('should refuse to capture a payment that is not authorized', async () => {
      const approved = await pay('APRO');

      const attempt = new Payment(mp()).capture({
        id: approved.id as number,
        requestOptions: key(),
      });

      await expect(attempt).rejects.toMatchObject({
        status: 400,
        causes: [expect.objectContaining({ code: 2018 })],
      });
    });
  });

  describe('cancel', () => {
    it.each([
      ['in_process', 'CONT', {}],
      ['authorized', 'APRO', { capture: false }],
    ])('should cancel an %s payment by_collector', async (_status, name, overrides) => {
      const payment = await pay(name, overrides);

      const cancelled = await new Payment(mp()).cancel({
        id: payment.id as number,
        requestOptions: key(),
      });

      expect([cancelled.status, cancelled.status_detail]).toEqual(['cancelled', 'by_collector']);
    });

    it('should cancel a pending payment', async () => {
      const payment = await pay('CONT');
      await forceStatus(payment.id as number, 'pending');

      const cancelled = await new Payment(mp()).cancel({
        id: payment.id as number,
        requestOptions: key(),
      });

      expect(cancelled.status).toBe('cancelled');
    });

    it('should refuse to cancel an approved payment', async () => {
      const payment = await pay('APRO');

      const attempt = new Payment(mp()).cancel({ id: payment.id as number, requestOptions: key() });

      await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
    });

    it('should refuse a status other than cancelled', async () => {
      const payment = await pay('CONT');

      const attempt = new Payment(mp()).update({
        id: payment.id as number,
        body: { status: 'approved' } as never,
        requestOptions: key(),
      });

      await expect(attempt).rejects.toMatchObject({
        status: 400,
        causes: [expect.objectContaining({ code: 2016 })],
      });
    });
  });

  async function forceStatus(id: number, status: string): Promise<void> {
    const response = await call(emulator, 'POST', `/__emulator/payments/${id}/transition`, {
      status,
      force: true,
    });
    expect(response.status).toBe(200);
  }

  describe('refunds', () => {
    it('should refund part of an approved payment and then the rest', async () => {
      const payment = await pay('APRO', { transaction_amount: 0.3 });
      const id = payment.id as number;

      const partial = await new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 0.1 },
        requestOptions: key(),
      });
      const afterPartial = await new Payment(mp()).get({ id });

      expect(partial).toMatchObject({
        payment_id: id,
        amount: 0.1,
        status: 'approved',
        refund_mode: 'standard',
      });
      expect(partial.api_response.status).toBe(201);
      expect(afterPartial).toMatchObject({
        status: 'approved',
        status_detail: 'partially_refunded',
        transaction_amount_refunded: 0.1,
      });

      const rest = await new PaymentRefund(mp()).total({ payment_id: id, requestOptions: key() });
      const afterFull = await new Payment(mp()).get({ id });

      expect(rest.amount).toBe(0.2);
      expect(afterFull).toMatchObject({
        status: 'refunded',
        status_detail: 'refunded',
        transaction_amount_refunded: 0.3,
      });
      expect(afterFull.refunds?.map((r) => r.amount)).toEqual([0.1, 0.2]);
    });

    it('should never refund more than what is left', async () => {
      const payment = await pay('APRO', { transaction_amount: 10 });
      const id = payment.id as number;
      await new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 6 },
        requestOptions: key(),
      });

      const attempt = new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 4.01 },
        requestOptions: key(),
      });

      await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
      await expect(attempt).rejects.toMatchObject({
        causes: [expect.objectContaining({ code: 4037 })],
      });
    });

    it('should refuse to refund a payment that is not approved', async () => {
      const payment = await pay('FUND');

      const attempt = new PaymentRefund(mp()).total({
        payment_id: payment.id as number,
        requestOptions: key(),
      });

      await expect(attempt).rejects.toMatchObject({
        status: 400,
        causes: [expect.objectContaining({ code: 2018 })],
      });
    });

    it('should replay a refund for the same key and refuse the key with another amount', async () => {
      const payment = await pay('APRO', { transaction_amount: 50 });
      const id = payment.id as number;
      const requestOptions = key();

      const first = await new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 5 },
        requestOptions,
      });
      const replay = await new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 5 },
        requestOptions,
      });
      const afterReplay = await new Payment(mp()).get({ id });
      const conflict = new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 6 },
        requestOptions,
      });

      expect(replay.id).toBe(first.id);
      expect(afterReplay.transaction_amount_refunded).toBe(5);
      await expect(conflict).rejects.toBeInstanceOf(MPIdempotencyError);
    });

    it('should list refunds and read one by id', async () => {
      const payment = await pay('APRO', { transaction_amount: 20 });
      const id = payment.id as number;
      const refund = await new PaymentRefund(mp()).create({
        payment_id: id,
        body: { amount: 5 },
        requestOptions: key(),
      });

      const list = await new PaymentRefund(mp()).list({ payment_id: id });
      const one = await new PaymentRefund(mp()).get({
        payment_id: id,
        refund_id: refund.id as number,
      });

      expect(list.map((r) => r.id)).toEqual([refund.id]);
      expect(one).toMatchObject({ id: refund.id, amount: 5, payment_id: id });
      await expect(
        new PaymentRefund(mp()).get({ payment_id: id, refund_id: 1 }),
      ).rejects.toBeInstanceOf(MPNotFoundError);
    });

    it('should keep whole pesos in CLP', async () => {
      const chile = {
        access_token: 'TEST-3333-010100-3333-3000000003',
        public_key: 'TEST-33333333-0000-4000-8000-000000000003',
        site_id: 'MLC',
      };
      await call(emulator, 'POST', '/__emulator/accounts', chile);
      const token = await cardToken('APRO', '4168818844447115', chile.access_token, {
        type: 'Otro',
        number: '123456789',
      });
      const body = paymentBody(token, {
        transaction_amount: 1000,
        payment_method_id: 'visa',
        payer: { email: 'test@testuser.com' },
      });

      const payment = await new Payment(mp(chile.access_token)).create({
        body,
        requestOptions: key(),
      });
      const decimals = new Payment(mp(chile.access_token)).create({
        body: { ...body, transaction_amount: 10.5 },
        requestOptions: key(),
      });

      expect(payment).toMatchObject({ currency_id: 'CLP', fee_details: [{ amount: 32 }] });
      await expect(decimals).rejects.toMatchObject({
        causes: [expect.objectContaining({ code: 4037 })],
      });
    });
  });

  describe('search', () => {
    const ref = `search-${Date.now()}`;
    let ids: number[];

    beforeAll(async () => {
      ids = [];
      for (const name of ['APRO', 'FUND', 'APRO']) {
        ids.push((await pay(name, { external_reference: ref })).id as number);
      }
    });

    it('should find payments by external_reference, newest first by default', async () => {
      const page = await new Payment(mp()).search({ options: { external_reference: ref } });

      expect(page.paging).toEqual({ total: 3, limit: 30, offset: 0 });
      expect(page.results?.map((p) => p.id)).toEqual([...ids].reverse());
    });

    it('should filter by status and sort ascending', async () => {
      const page = await new Payment(mp()).search({
        options: {
          external_reference: ref,
          status: 'approved',
          sort: 'date_created',
          criteria: 'asc',
        },
      });

      expect(page.results?.map((p) => p.id)).toEqual([ids[0], ids[2]]);
    });

    it('should page with limit and offset', async () => {
      const page = await new Payment(mp()).search({
        options: { external_reference: ref, criteria: 'asc', limit: 1, offset: 1 },
      });

      expect(page.paging).toEqual({ total: 3, limit: 1, offset: 1 });
      expect(page.results?.map((p) => p.id)).toEqual([ids[1]]);
    });

    it('should filter on a date range, relative or absolute', async () => {
      const recent = await new Payment(mp()).search({
        options: {
          external_reference: ref,
          range: 'date_created',
          begin_date: 'NOW-1DAYS',
          end_date: 'NOW',
        },
      });
      const old = await new Payment(mp()).search({
        options: {
          external_reference: ref,
          range: 'date_created',
          begin_date: '2020-01-01T00:00:00.000-04:00',
          end_date: '2020-01-02T00:00:00.000-04:00',
        },
      });

      expect(recent.paging?.total).toBe(3);
      expect(old.paging?.total).toBe(0);
    });

    it('should find a lost charge by an ISO date window, newest first, paged, metadata snake_cased', async () => {
      const begin = new Date().toISOString();
      const made: number[] = [];
      for (const attempt of [0, 1, 2]) {
        const payment = await pay('APRO', {
          metadata: { ourPaymentId: `pay_${attempt}`, attempt },
        });
        made.push(payment.id as number);
      }
      // Mercado Pago's documented format, yyyy-MM-dd'T'HH:mm:ss.SSSZ (offset without a colon).
      const end = mpDate(Date.now() + 1000).replace(/:(\d\d)$/, '$1');
      const window = { range: 'date_created', begin_date: begin, end_date: end } as const;
      const newestFirst = { sort: 'date_created', criteria: 'desc', limit: 2 } as const;

      const first = await new Payment(mp()).search({
        options: { ...window, ...newestFirst, offset: 0 },
      });
      const second = await new Payment(mp()).search({
        options: { ...window, ...newestFirst, offset: 2 },
      });

      expect(first.paging).toEqual({ total: 3, limit: 2, offset: 0 });
      expect([...(first.results ?? []), ...(second.results ?? [])].map((p) => p.id)).toEqual([
        made[2],
        made[1],
        made[0],
      ]);
      expect(first.results?.[0]?.metadata).toEqual({ our_payment_id: 'pay_2', attempt: 2 });
    });

    it('should list what changed in a date_last_updated range, oldest change first, a moved payment last', async () => {
      const begin = new Date().toISOString();
      const moved = await pay('CONT');
      const still = await pay('APRO');
      const transition = await call(
        emulator,
        'POST',
        `/__emulator/payments/${moved.id}/transition`,
        {
          status: 'approved',
        },
      );
      expect(transition.status).toBe(200);
      const changed = {
        range: 'date_last_updated',
        begin_date: begin,
        end_date: 'NOW',
        sort: 'date_last_updated',
        criteria: 'asc',
      } as const;

      const page = await new Payment(mp()).search({ options: { ...changed, limit: 1 } });
      const next = await new Payment(mp()).search({ options: { ...changed, limit: 1, offset: 1 } });

      expect(page.paging).toEqual({ total: 2, limit: 1, offset: 0 });
      expect([...(page.results ?? []), ...(next.results ?? [])]).toMatchObject([
        { id: still.id, status: 'approved' },
        { id: moved.id, status: 'approved', date_last_updated: transition.body.date_last_updated },
      ]);
    });

    it.each([
      [{ sort: 'amount' }, 1003],
      [{ criteria: 'up' }, 1004],
      [{ begin_date: 'yesterday', range: 'date_created' }, 1001],
    ])('should refuse %j with cause %i', async (options, code) => {
      const attempt = new Payment(mp()).search({ options: options as never });

      await expect(attempt).rejects.toMatchObject({
        status: 400,
        causes: [expect.objectContaining({ code })],
      });
    });
  });
});
