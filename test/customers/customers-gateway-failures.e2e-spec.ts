import { EMULATOR_DEFAULT_ACCESS_TOKEN } from '../../emulator';
import { emulator, emulatorUrl } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createCustomer, findByEmail, newEmail } from './customers.helper';

describe('Customers when Mercado Pago fails or does not answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No SDK retries: each fault below hits exactly one call.
    t = await startTestApp({
      env: { MERCADOPAGO_TIMEOUT_MS: '300', MERCADOPAGO_MAX_RETRIES: '0' },
    });
  });
  afterAll(() => t.close());
  afterEach(() => emulator(t, 'DELETE', '/__emulator/faults'));

  const fault = (spec: Record<string, unknown>) =>
    emulator(t, 'POST', '/__emulator/faults', spec).then(({ status }) => expect(status).toBe(201));

  it('should answer 502, store nothing, and adopt on retry the customer whose answer was lost', async () => {
    // Mercado Pago creates the customer, then the answer is lost.
    await fault({ method: 'POST', path: '/v1/customers', status: 500, after: true, count: 1 });
    const email = newEmail();

    const failed = await t.http().post('/v1/customers').set(bearer(t.adminToken)).send({ email });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('GATEWAY_UNAVAILABLE');
    expect((await findByEmail(t, email).expect(200)).body.data).toEqual([]);

    const retried = await createCustomer(t, { email });
    const atMercadoPago = await fetch(
      `${emulatorUrl(t)}/v1/customers/search?email=${encodeURIComponent(email)}`,
      { headers: bearer(EMULATOR_DEFAULT_ACCESS_TOKEN) },
    ).then((res) => res.json() as Promise<{ results: { id: string }[] }>);
    expect(atMercadoPago.results.map((c) => c.id)).toEqual([retried.mercadopago_id]);
  });

  it.each([
    ['502 when Mercado Pago fails', { status: 503 }, 502],
    ['504 when Mercado Pago does not answer in time', { timeout: true }, 504],
  ])('should answer %s listing cards', async (_, spec, status) => {
    const customer = await createCustomer(t, { email: newEmail() });
    await fault({
      method: 'GET',
      path: `/v1/customers/${customer.mercadopago_id}/cards`,
      ...spec,
    });

    const res = await t.http().get(`/v1/customers/${customer.id}/cards`).set(bearer(t.adminToken));

    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('GATEWAY_UNAVAILABLE');
  });

  it('should answer 404 CUSTOMER_NOT_FOUND when Mercado Pago no longer has the customer', async () => {
    const customer = await createCustomer(t, { email: newEmail() });
    await fetch(`${emulatorUrl(t)}/v1/customers/${customer.mercadopago_id}`, {
      method: 'DELETE',
      headers: bearer(EMULATOR_DEFAULT_ACCESS_TOKEN),
    });

    const res = await t.http().get(`/v1/customers/${customer.id}/cards`).set(bearer(t.adminToken));

    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'CUSTOMER_NOT_FOUND',
      message: `Mercado Pago no longer has customer ${customer.id}`,
    });
  });
});
