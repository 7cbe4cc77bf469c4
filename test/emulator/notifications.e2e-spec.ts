import { Payment, PaymentRefund, WebhookSignatureValidator } from 'mercadopago';
import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_USER_ID,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
  type RunningEmulator,
} from '../../emulator';
import {
  call,
  cardToken,
  key,
  mp,
  paymentBody,
  pointSdkAt,
  Receiver,
  startTestEmulator,
  type ReceivedRequest,
} from './emulator.helper';

function verify(
  request: ReceivedRequest,
  secret = EMULATOR_DEFAULT_WEBHOOK_SECRET,
  toleranceSeconds?: number,
) {
  WebhookSignatureValidator.validate({
    xSignature: request.headers['x-signature'],
    xRequestId: request.headers['x-request-id'],
    dataId: request.url.searchParams.get('data.id') ?? undefined,
    secret,
    ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
  });
}

describe('notifications', () => {
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
  beforeEach(async () => {
    await call(emulator, 'POST', '/__emulator/reset');
    receiver.reset();
  });

  async function pay(name = 'APRO', overrides: Record<string, unknown> = {}) {
    const token = await cardToken(name);
    return new Payment(mp()).create({
      body: paymentBody(token, { notification_url: receiver.url, ...overrides }),
      requestOptions: key(),
    });
  }

  it('should POST payment.created to notification_url with data.id, type and a valid signature', async () => {
    const payment = await pay();
    const [request] = await receiver.waitFor(1);

    expect(request?.method).toBe('POST');
    expect(request?.url.pathname).toBe('/webhooks/mp');
    expect(request?.url.searchParams.get('data.id')).toBe(String(payment.id));
    expect(request?.url.searchParams.get('type')).toBe('payment');
    expect(request?.body).toEqual({
      action: 'payment.created',
      api_version: 'v1',
      data: { id: String(payment.id) },
      date_created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      id: expect.stringMatching(/^\d+$/),
      live_mode: false,
      type: 'payment',
      user_id: EMULATOR_DEFAULT_USER_ID,
    });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-retry': '0',
      'x-socket-timeout': '22000',
      'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-signature': expect.stringMatching(/^ts=\d{13},v1=[0-9a-f]{64}$/),
    });
    expect(() => verify(request)).not.toThrow();
    expect(() => verify(request, 'another-secret')).toThrow('SignatureMismatch');
  });

  it('should keep the URL own query and append data.id and type', async () => {
    await pay('APRO', { notification_url: `${receiver.url}?cliente=seller-7` });
    const [request] = await receiver.waitFor(1);

    expect(request?.url.searchParams.get('cliente')).toBe('seller-7');
    expect(request?.url.searchParams.get('type')).toBe('payment');
  });

  it('should send payment.updated on every later change', async () => {
    const payment = await pay();
    await receiver.waitFor(1);

    await new PaymentRefund(mp()).create({
      payment_id: payment.id as number,
      body: { amount: 1 },
      requestOptions: key(),
    });
    const requests = await receiver.waitFor(2);

    expect(requests.map((r) => r.body.action)).toEqual(['payment.created', 'payment.updated']);
  });

  it('should retry until answered 2xx, signing every attempt anew', async () => {
    receiver.answers = [500, 503, 200];
    await pay();
    const requests = await receiver.waitFor(3);
    const log = await call(emulator, 'GET', '/__emulator/notifications');

    expect(requests.map((r) => r.headers['x-retry'])).toEqual(['0', '1', '2']);
    expect(new Set(requests.map((r) => r.headers['x-request-id'])).size).toBe(3);
    expect(new Set(requests.map((r) => r.body.id)).size).toBe(1);
    requests.forEach((r) => expect(() => verify(r)).not.toThrow());
    expect(log.body.deliveries.map((d: { status: number }) => d.status)).toEqual([500, 503, 200]);
    expect(log.body.pending).toEqual([]);
  });

  it('should retry on the legacy 5 min / 45 min / 6 h schedule when asked', async () => {
    const legacy = await startTestEmulator({ retrySchedule: 'legacy' });
    try {
      receiver.answers = [500, 200];
      const token = await cardToken('APRO');
      await new Payment(mp()).create({
        body: paymentBody(token, { notification_url: receiver.url }),
        requestOptions: key(),
      });
      const requests = await receiver.waitFor(2);

      expect(requests.map((r) => r.headers['x-retry'])).toEqual(['0', '1']);
    } finally {
      await legacy.close();
      pointSdkAt(emulator);
    }
  });

  it('should send to the account notification URL when the payment has none', async () => {
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
      public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
      notification_url: receiver.url,
    });

    const payment = await pay('APRO', { notification_url: undefined });
    const [request] = await receiver.waitFor(1);

    expect(request?.url.searchParams.get('data.id')).toBe(String(payment.id));
  });

  it('should sign with the new secret after the account secret changes', async () => {
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
      public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
      webhook_secret: 'rotated-secret',
    });

    await pay();
    const [request] = await receiver.waitFor(1);

    expect(() => verify(request, 'rotated-secret')).not.toThrow();
    expect(() => verify(request)).toThrow('SignatureMismatch');
  });

  it('should also send the legacy IPN form when the account asks for it', async () => {
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
      public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
      send_ipn: true,
    });

    const payment = await pay();
    const requests = await receiver.waitFor(2);
    const ipn = requests.find((r) => r.url.searchParams.has('topic'));
    const webhook = requests.find((r) => r.url.searchParams.has('data.id'));

    expect(ipn?.url.searchParams.get('topic')).toBe('payment');
    expect(ipn?.url.searchParams.get('id')).toBe(String(payment.id));
    expect(ipn?.headers['x-signature']).toBeUndefined();
    expect(webhook?.body.action).toBe('payment.created');
  });

  it.each([
    ['webhooks', 'data.id'],
    ['ipn', 'topic'],
  ])('should send only one form with source_news=%s', async (sourceNews, param) => {
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
      public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
      send_ipn: true,
    });

    await pay('APRO', { notification_url: `${receiver.url}?source_news=${sourceNews}` });
    await pay('APRO', { notification_url: `${receiver.url}?source_news=${sourceNews}&second=1` });
    const requests = await receiver.waitFor(2);

    expect(requests.every((r) => r.url.searchParams.has(param))).toBe(true);
  });

  it('should send ts in seconds when configured so, which the SDK tolerance check accepts', async () => {
    const seconds = await startTestEmulator({ signatureTimestamp: 's' });
    try {
      const token = await cardToken('APRO');
      await new Payment(mp()).create({
        body: paymentBody(token, { notification_url: receiver.url }),
        requestOptions: key(),
      });
      const [request] = await receiver.waitFor(1);

      expect(request?.headers['x-signature']).toMatch(/^ts=\d{10},v1=/);
      expect(() => verify(request, EMULATOR_DEFAULT_WEBHOOK_SECRET, 300)).not.toThrow();
    } finally {
      await seconds.close();
      pointSdkAt(emulator);
    }
  });

  describe('later states from the control API', () => {
    it.each([
      ['CONT', {}, 'approved', 'accredited'],
      ['CONT', {}, 'rejected', 'cc_rejected_other_reason'],
      ['APRO', {}, 'charged_back', 'settled'],
      ['APRO', { capture: false }, 'cancelled', 'expired'],
    ])('should move a %s payment to %s and notify it', async (name, overrides, status, detail) => {
      const payment = await pay(name, overrides);
      await receiver.waitFor(1);

      const moved = await call(emulator, 'POST', `/__emulator/payments/${payment.id}/transition`, {
        status,
      });
      const requests = await receiver.waitFor(2);
      const read = await new Payment(mp()).get({ id: payment.id as number });

      expect(moved.status).toBe(200);
      expect([read.status, read.status_detail]).toEqual([status, detail]);
      expect(requests[1]?.body.action).toBe('payment.updated');
    });

    it('should refuse a move Mercado Pago never makes with 409 and a clear message', async () => {
      const payment = await pay('APRO');

      const moved = await call(emulator, 'POST', `/__emulator/payments/${payment.id}/transition`, {
        status: 'pending',
      });

      expect(moved.status).toBe(409);
      expect(moved.body.message).toMatch(
        /cannot move from approved\/accredited to pending; allowed: charged_back/,
      );
    });
  });

  describe('notification faults', () => {
    it('should drop a notification for good', async () => {
      await call(emulator, 'POST', '/__emulator/notification-faults', { mode: 'drop', count: 1 });

      const dropped = await pay();
      const delivered = await pay();
      const requests = await receiver.waitFor(1);
      const log = await call(emulator, 'GET', '/__emulator/notifications');

      expect(requests.map((r) => r.body.data.id)).toEqual([String(delivered.id)]);
      expect(log.body.deliveries[0]).toMatchObject({
        fault: 'dropped',
        url: expect.stringContaining(String(dropped.id)),
      });
    });

    it('should deliver a notification twice', async () => {
      await call(emulator, 'POST', '/__emulator/notification-faults', {
        mode: 'duplicate',
        count: 1,
      });

      await pay();
      const requests = await receiver.waitFor(2);

      expect(requests[0]?.body).toEqual(requests[1]?.body);
      expect(requests[0]?.headers['x-request-id']).not.toBe(requests[1]?.headers['x-request-id']);
    });

    it('should hold notifications and deliver them in reverse order when released', async () => {
      await call(emulator, 'POST', '/__emulator/notification-faults', {
        mode: 'reorder',
        count: 2,
        window_ms: 60_000,
      });

      const first = await pay();
      const second = await pay();
      const released = await call(emulator, 'POST', '/__emulator/notifications/release');
      const requests = await receiver.waitFor(2);

      expect(released.body).toEqual({ released: 2 });
      expect(requests.map((r) => r.body.data.id)).toEqual([String(second.id), String(first.id)]);
    });

    it('should delay a notification behind later ones', async () => {
      await call(emulator, 'POST', '/__emulator/notification-faults', {
        mode: 'delay',
        count: 1,
        delay_ms: 60_000,
      });

      await pay();
      const later = await pay();
      const requests = await receiver.waitFor(1);

      expect(requests.map((r) => r.body.data.id)).toEqual([String(later.id)]);
    });
  });
});
