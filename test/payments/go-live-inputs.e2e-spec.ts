import { asc, eq } from 'drizzle-orm';
import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../../emulator';
import { outboxEvents } from '../../src/events/outbox.schema';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { eventually } from '../support/eventually';
import {
  Json,
  cardToken,
  emulator,
  emulatorUrl,
  pay,
  paymentBody,
  postPayment,
} from '../support/payments';

const ADDITIONAL_INFO = {
  items: [
    {
      id: 'sku-1',
      title: 'Blue mug',
      description: 'Ceramic mug, 300 ml',
      category_id: 'home',
      quantity: 2,
      unit_price: '50.25',
    },
  ],
  payer: {
    first_name: 'Ana',
    last_name: 'Silva',
    phone: { area_code: '11', number: '987654321' },
    address: { zip_code: '01310-100', street_name: 'Avenida Paulista', street_number: 1000 },
    registration_date: '2024-03-01T12:00:00.000-03:00',
  },
  shipments: {
    receiver_address: {
      zip_code: '01310-100',
      state_name: 'SP',
      city_name: 'São Paulo',
      street_name: 'Avenida Paulista',
      street_number: '1000',
      floor: '3',
      apartment: '31B',
    },
  },
  ip_address: '203.0.113.7',
};

/** What Mercado Pago documents for it: unit prices as numbers, street numbers as strings. */
const SENT_ADDITIONAL_INFO = {
  ...ADDITIONAL_INFO,
  items: [{ ...ADDITIONAL_INFO.items[0], unit_price: 50.25 }],
  payer: {
    ...ADDITIONAL_INFO.payer,
    address: { ...ADDITIONAL_INFO.payer.address, street_number: '1000' },
  },
};

describe('Going live: additional_info, the device id and 3DS on POST /v1/payments', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No reconciler: a challenge's outcome reaches us through Mercado Pago's notification.
    t = await startTestApp({ env: { RECONCILE_INTERVAL_SECONDS: '0' } });
  });
  afterAll(() => t.close());

  /** The last payment request the emulator received, as it received it. */
  async function lastPaymentRequest(): Promise<Json> {
    const log = await emulator(t, 'GET', '/__emulator/requests?method=POST&path=/v1/payments');
    return log.body.at(-1);
  }

  const getPayment = async (id: string): Promise<Json> =>
    (await t.http().get(`/v1/payments/${id}`).set(bearer(t.adminToken)).expect(200)).body;

  const statusBecomes = (id: string, status: string) =>
    eventually(`payment ${id} ${status}`, async () => {
      const payment = await getPayment(id);
      return payment.status === status && payment;
    });

  const eventTypes = async (id: string) =>
    (
      await t.database.db
        .select()
        .from(outboxEvents)
        .where(eq(outboxEvents.subjectId, id))
        .orderBy(asc(outboxEvents.seq))
    ).map((event) => event.type);

  describe('additional_info', () => {
    it('should store it, return it and send it to Mercado Pago as Mercado Pago documents it', async () => {
      const payment = await pay(t, 'APRO', { additional_info: ADDITIONAL_INFO });
      expect(payment.status).toBe('approved');
      expect(payment.additional_info).toEqual(SENT_ADDITIONAL_INFO);
      // GET /v1/payments/{id} adds the payment's disputes to what the create answered.
      expect(await getPayment(payment.id)).toEqual({ ...payment, disputes: [] });

      expect((await lastPaymentRequest()).body.additional_info).toEqual(SENT_ADDITIONAL_INFO);
      // Mercado Pago's own answer shows item quantity and price as strings.
      const atMercadoPago = await fetch(`${emulatorUrl(t)}/v1/payments/${payment.mercadopago_id}`, {
        headers: bearer(EMULATOR_DEFAULT_ACCESS_TOKEN),
      }).then((res) => res.json() as Promise<Json>);
      expect(atMercadoPago.additional_info).toMatchObject({
        items: [{ id: 'sku-1', quantity: '2', unit_price: '50.25' }],
        ip_address: '203.0.113.7',
        shipments: SENT_ADDITIONAL_INFO.shipments,
      });
    });

    it('should answer 400 listing each bad field, and charge nothing', async () => {
      const res = await postPayment(
        t,
        paymentBody(await cardToken(t), {
          external_reference: 'bad-additional-info',
          additional_info: {
            items: [{ id: '', title: 'Mug', quantity: 0, unit_price: -1 }],
            payer: { phone: { area_code: 'eleven' }, registration_date: 'yesterday' },
            shipments: { receiver_address: { floor: 3 } },
            ip_address: 'nowhere',
            coupon: 'FREE',
          },
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
      const fields = res.body.error.details.map((d: Json) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'additional_info.items.0.id',
          'additional_info.items.0.quantity',
          'additional_info.items.0.unit_price',
          'additional_info.payer.phone.area_code',
          'additional_info.payer.registration_date',
          'additional_info.shipments.receiver_address.floor',
          'additional_info.ip_address',
          'additional_info.coupon',
        ]),
      );
      expect(await lastPaymentRequest()).not.toMatchObject({
        body: { external_reference: 'bad-additional-info' },
      });
    });

    it("should refuse a unit price with more decimals than the currency's", async () => {
      const res = await postPayment(
        t,
        paymentBody(await cardToken(t), {
          additional_info: { items: [{ id: 'a', title: 'A', quantity: 1, unit_price: '1.005' }] },
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { field: 'additional_info.items.0.unit_price', messages: [expect.stringMatching(/BRL/)] },
      ]);
    });
  });

  describe('the device id', () => {
    it('should reach Mercado Pago as X-Meli-Session-Id, from the header or from device_id', async () => {
      const byHeader = await postPayment(t, paymentBody(await cardToken(t))).set(
        'x-meli-session-id',
        'armor.header-1',
      );
      expect(byHeader.status).toBe(201);
      expect((await lastPaymentRequest()).headers['x-meli-session-id']).toBe('armor.header-1');

      await pay(t, 'APRO', { device_id: 'armor.field-2' });
      const byField = await lastPaymentRequest();
      expect(byField.headers['x-meli-session-id']).toBe('armor.field-2');
      expect(byField.body.device_id).toBeUndefined();

      const both = await postPayment(
        t,
        paymentBody(await cardToken(t), { device_id: 'armor.same' }),
      ).set('x-meli-session-id', 'armor.same');
      expect(both.status).toBe(201);

      await pay(t);
      expect((await lastPaymentRequest()).headers['x-meli-session-id']).toBeUndefined();
    });

    it('should refuse a header and a field that disagree, and a malformed id', async () => {
      const conflict = await postPayment(
        t,
        paymentBody(await cardToken(t), { device_id: 'armor.one' }),
      ).set('x-meli-session-id', 'armor.two');
      expect(conflict.status).toBe(400);
      expect(conflict.body.error.details).toEqual([
        { field: 'device_id', messages: [expect.stringContaining('X-Meli-Session-Id')] },
      ]);

      const header = await postPayment(t, paymentBody(await cardToken(t))).set(
        'x-meli-session-id',
        'not a device id',
      );
      expect(header.status).toBe(400);
      expect(header.body.error.details[0].field).toBe('X-Meli-Session-Id');

      const field = await postPayment(t, paymentBody(await cardToken(t), { device_id: 'a b' }));
      expect(field.status).toBe(400);
      expect(field.body.error.details[0].field).toBe('device_id');
    });
  });

  describe('3DS', () => {
    it("should refuse Mercado Pago's forbidden combinations before sending anything", async () => {
      const token = await cardToken(t);
      const res = await postPayment(
        t,
        paymentBody(token, { three_d_secure_mode: 'optional', capture: false, binary_mode: true }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { field: 'capture', messages: ['must be true with 3DS'] },
        { field: 'binary_mode', messages: ['must be false with 3DS'] },
      ]);
      const mode = await postPayment(t, paymentBody(token, { three_d_secure_mode: 'always' }));
      expect(mode.status).toBe(400);
      expect(mode.body.error.details[0].field).toBe('three_d_secure_mode');
      // Without 3DS the same combination is an ordinary authorization.
      const plain = await pay(t, 'APRO', { capture: false, binary_mode: true });
      expect(plain).toMatchObject({ status: 'authorized', three_d_secure_mode: 'not_supported' });
    });

    it('should approve at once when the card asks for no challenge', async () => {
      for (const mode of ['optional', 'mandatory']) {
        const payment = await pay(t, 'APRO', { three_d_secure_mode: mode });
        expect(payment).toMatchObject({ status: 'approved', three_d_secure_mode: mode });
        expect(payment.three_ds_info).toBeUndefined();
        expect((await lastPaymentRequest()).body.three_d_secure_mode).toBe(mode);
      }
    });

    it('should reject a challenge card sent without 3DS as cc_rejected_3ds_mandatory', async () => {
      const payment = await pay(t, 'CHAL');
      expect(payment).toMatchObject({
        status: 'rejected',
        status_detail: 'cc_rejected_3ds_mandatory',
        three_d_secure_mode: 'not_supported',
      });
      expect(payment.buyer_message.en).toContain('requires authentication');
      expect((await lastPaymentRequest()).body).not.toHaveProperty('three_d_secure_mode');
    });

    it('should wait for a passed challenge, then turn approved through the notification', async () => {
      const payment = await pay(t, 'CHAL', { three_d_secure_mode: 'optional' });
      expect(payment).toMatchObject({
        status: 'pending',
        status_detail: 'pending_challenge',
        three_d_secure_mode: 'optional',
        three_ds_info: {
          external_resource_url: `${emulatorUrl(t)}/__emulator/3ds/challenge`,
          creq: expect.any(String),
        },
      });
      expect(payment.buyer_message.en).toBe('Confirm the payment with your bank to complete it.');
      const { external_resource_url: url, creq } = payment.three_ds_info;
      expect(JSON.parse(Buffer.from(creq, 'base64url').toString())).toMatchObject({
        messageType: 'CReq',
      });

      // As a front end does: the creq posted as a form into the challenge frame.
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const page = await fetch(url, { method: 'POST', headers: form, body: `creq=${creq}` });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain(String(payment.mercadopago_id));
      expect(html).toContain('value="completed"');

      const done = await fetch(`${url}/result`, {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({ creq, result: 'completed' }).toString(),
      });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('approved / accredited');

      const approved = await statusBecomes(payment.id, 'approved');
      expect(approved.status_detail).toBe('accredited');
      expect(approved.three_ds_info).toBeUndefined();
      expect(await eventTypes(payment.id)).toEqual([
        'payment.created',
        'payment.pending',
        'payment.updated',
        'payment.approved',
      ]);
      // The challenge is over: its page is gone.
      const again = await fetch(`${url}?creq=${creq}`);
      expect(again.status).toBe(404);
    });

    it('should turn rejected when the challenge fails (control API)', async () => {
      const payment = await pay(t, 'CHAL', { three_d_secure_mode: 'mandatory' });
      expect(payment.status_detail).toBe('pending_challenge');
      const failed = await emulator(
        t,
        'POST',
        `/__emulator/payments/${payment.mercadopago_id}/3ds-challenge`,
        { result: 'failed' },
      );
      expect(failed.status).toBe(200);
      expect(failed.body).toMatchObject({
        status: 'rejected',
        status_detail: 'cc_rejected_3ds_challenge',
      });

      const rejected = await statusBecomes(payment.id, 'rejected');
      expect(rejected.status_detail).toBe('cc_rejected_3ds_challenge');
      expect(rejected.buyer_message.en).toContain('authentication with your bank failed');
      expect(await eventTypes(payment.id)).toContain('payment.rejected');

      const twice = await emulator(
        t,
        'POST',
        `/__emulator/payments/${payment.mercadopago_id}/3ds-challenge`,
        { result: 'completed' },
      );
      expect(twice.status).toBe(409);
    });

    it('should refuse an unknown challenge or result at the emulator', async () => {
      const unknown = await fetch(`${emulatorUrl(t)}/__emulator/3ds/challenge?creq=nothing`);
      expect(unknown.status).toBe(404);
      const payment = await pay(t, 'CHAL', { three_d_secure_mode: 'optional' });
      const bad = await emulator(
        t,
        'POST',
        `/__emulator/payments/${payment.mercadopago_id}/3ds-challenge`,
        { result: 'maybe' },
      );
      expect(bad.status).toBe(400);
    });
  });
});
