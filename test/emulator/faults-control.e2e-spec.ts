import {
  MPConnectionError,
  MPRateLimitError,
  MPServerError,
  Payment,
  PaymentMethod,
} from 'mercadopago';
import type { RunningEmulator } from '../../emulator';
import { call, cardToken, key, mp, paymentBody, startTestEmulator } from './emulator.helper';

describe('fault injection and the control API', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => call(emulator, 'POST', '/__emulator/reset'));

  const fault = (body: Record<string, unknown>) =>
    call(emulator, 'POST', '/__emulator/faults', body);

  async function paymentsFor(ref: string) {
    return (await new Payment(mp()).search({ options: { external_reference: ref } })).paging?.total;
  }

  it('should fail a share of requests with 5xx, which the SDK retries with the same key', async () => {
    const token = await cardToken('APRO');
    await fault({ method: 'POST', path: '/v1/payments', status: 503, count: 2 });
    const retries: number[] = [];

    const payment = await new Payment(
      mp(undefined, { maxRetries: 3, initialDelay: 1, onRetry: (n) => retries.push(n) }),
    ).create({
      body: paymentBody(token, { external_reference: 'five-hundreds' }),
      requestOptions: key(),
    });
    const log = await call(emulator, 'GET', '/__emulator/requests?method=POST&path=/v1/payments');

    expect(payment.status).toBe('approved');
    expect(retries).toEqual([1, 2]);
    expect(log.body.map((r: { status: number }) => r.status)).toEqual([503, 503, 201]);
    expect(
      new Set(
        log.body.map((r: { headers: Record<string, string> }) => r.headers['x-idempotency-key']),
      ).size,
    ).toBe(1);
    expect(await paymentsFor('five-hundreds')).toBe(1);
  });

  it('should answer in the sandbox 500 shape, seen by the SDK as MPServerError', async () => {
    await fault({ path: '/v1/payments/:id', status: 500 });

    const attempt = new Payment(mp()).get({ id: 1 });

    await expect(attempt).rejects.toBeInstanceOf(MPServerError);
    await expect(attempt).rejects.toMatchObject({
      status: 500,
      message: 'internal_error',
      causes: [],
    });
  });

  it('should create the payment and then answer 500 with after: true, so the retry gets the same payment', async () => {
    const token = await cardToken('APRO');
    await fault({ method: 'POST', path: '/v1/payments', status: 500, after: true, count: 1 });
    const body = paymentBody(token, { external_reference: 'after-500' });
    const requestOptions = key();

    const lost = new Payment(mp()).create({ body, requestOptions });
    await expect(lost).rejects.toBeInstanceOf(MPServerError);
    const retried = await new Payment(mp()).create({ body, requestOptions });

    expect(retried.status).toBe('approved');
    expect(await paymentsFor('after-500')).toBe(1);
  });

  it('should create the payment and then hang with after + timeout, the SDK timing out and retrying safely', async () => {
    const token = await cardToken('APRO');
    await fault({ method: 'POST', path: '/v1/payments', timeout: true, after: true, count: 1 });
    const retries: unknown[] = [];

    const payment = await new Payment(
      mp(undefined, {
        timeout: 200,
        maxRetries: 1,
        initialDelay: 1,
        onRetry: (_n, error) => retries.push(error),
      }),
    ).create({
      body: paymentBody(token, { external_reference: 'after-timeout' }),
      requestOptions: key(),
    });

    expect(payment.status).toBe('approved');
    expect(retries[0]).toBeInstanceOf(MPConnectionError);
    expect(await paymentsFor('after-timeout')).toBe(1);
  });

  it('should hang before doing anything with timeout, so nothing is created', async () => {
    const token = await cardToken('APRO');
    await fault({ method: 'POST', path: '/v1/payments', timeout: true });

    const attempt = new Payment(mp(undefined, { timeout: 200 })).create({
      body: paymentBody(token, { external_reference: 'before-timeout' }),
      requestOptions: key(),
    });

    await expect(attempt).rejects.toBeInstanceOf(MPConnectionError);
    await call(emulator, 'DELETE', '/__emulator/faults');
    expect(await paymentsFor('before-timeout')).toBe(0);
  });

  it('should delay answers with latency_ms beyond the client timeout', async () => {
    await fault({ path: '/v1/payments/search', latency_ms: 60_000 });

    const attempt = new Payment(mp(undefined, { timeout: 100 })).search({ options: {} });

    await expect(attempt).rejects.toBeInstanceOf(MPConnectionError);
  });

  it('should answer 429 with Retry-After, exposed by the SDK as retryAfter', async () => {
    await fault({ path: '/v1/payments/:id', status: 429, retry_after: 7 });

    const attempt = new Payment(mp()).get({ id: 1 });

    await expect(attempt).rejects.toBeInstanceOf(MPRateLimitError);
    await expect(attempt).rejects.toMatchObject({ status: 429, retryAfter: 7 });
  });

  it('should let the SDK wait out a 429 and succeed', async () => {
    await fault({ path: '/v1/payment_methods', status: 429, retry_after: 1, count: 1 });

    const methods = await new PaymentMethod(mp(undefined, { maxRetries: 1, maxDelay: 5 })).get();

    expect(methods.length).toBeGreaterThan(0);
  });

  it('should spread a share evenly: every second matching request fails at 0.5', async () => {
    await fault({ method: 'GET', path: '/v1/payments/:id', status: 502, share: 0.5 });

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(emulator, 'GET', '/v1/payments/1', undefined, auth())).status);

    expect(statuses).toEqual([404, 502, 404, 502]);
  });

  it('should only touch the method named in the fault', async () => {
    await fault({ method: 'PUT', path: '/v1/payments/:id', status: 500 });

    const read = await call(emulator, 'GET', '/v1/payments/1', undefined, auth());

    expect(read.status).toBe(404);
  });

  it('should refuse a malformed fault', async () => {
    const response = await fault({ path: '/v1/payments', share: 2 });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'bad_request',
      cause: [expect.objectContaining({ code: 1 })],
    });
  });

  it('should record what it received, with headers, body and status, newest last', async () => {
    const token = await cardToken('APRO');
    const requestOptions = key();
    await new Payment(mp()).create({ body: paymentBody(token), requestOptions });

    const log = await call(emulator, 'GET', '/__emulator/requests?limit=2');

    expect(log.body.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/card_tokens',
      'POST /v1/payments',
    ]);
    expect(log.body[1]).toMatchObject({
      route: '/v1/payments',
      status: 201,
      body: { token, transaction_amount: 100 },
      headers: {
        'x-idempotency-key': requestOptions.idempotencyKey,
        authorization: expect.stringMatching(/^Bearer /),
      },
    });
  });

  it('should forget payments and faults on reset', async () => {
    const token = await cardToken('APRO');
    const payment = await new Payment(mp()).create({
      body: paymentBody(token),
      requestOptions: key(),
    });
    await fault({ path: '/v1/payments/:id', status: 500 });

    await call(emulator, 'POST', '/__emulator/reset');
    const read = await call(emulator, 'GET', `/v1/payments/${payment.id}`, undefined, auth());

    expect(read.status).toBe(404);
  });

  function auth(): Record<string, string> {
    return { authorization: `Bearer ${mp().accessToken}` };
  }
});
