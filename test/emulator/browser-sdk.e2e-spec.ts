import { EMULATOR_DEFAULT_PUBLIC_KEY, type RunningEmulator } from '../../emulator';
import { call, MLB_CPF, MLB_MASTER, startTestEmulator } from './emulator.helper';

const ORIGIN = { origin: 'http://localhost:3000' };

describe('what a checkout page in a browser gets from the emulator', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it("should serve a stand-in MercadoPago.js where Mercado Pago's own script lives", async () => {
    const response = await fetch(`${emulator.url}/js/v2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/javascript');
    const script = await response.text();
    for (const method of [
      'createCardToken',
      'getIdentificationTypes',
      'getPaymentMethods',
      'getInstallments',
      'getIssuers',
    ]) {
      expect([method, script.includes(`MercadoPago.prototype.${method} =`)]).toEqual([
        method,
        true,
      ]);
    }
    expect(script).toContain('window.MercadoPago = MercadoPago');
  });

  it('should let another origin make card tokens with the public key (CORS preflight)', async () => {
    const preflight = await fetch(`${emulator.url}/v1/card_tokens?public_key=x`, {
      method: 'OPTIONS',
      headers: {
        ...ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');

    const token = await call(
      emulator,
      'POST',
      `/v1/card_tokens?public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
      {
        card_number: MLB_MASTER,
        security_code: '123',
        expiration_month: 11,
        expiration_year: 2030,
        cardholder: { name: 'APRO', identification: MLB_CPF },
      },
      ORIGIN,
    );
    expect(token.status).toBe(201);
    expect(token.headers.get('access-control-allow-origin')).toBe('*');
    const methods = await call(
      emulator,
      'GET',
      `/v1/payment_methods/search?bins=503143&public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
      undefined,
      ORIGIN,
    );
    expect(methods.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('should keep the routes that take an access token closed to browsers', async () => {
    const preflight = await fetch(`${emulator.url}/v1/payments`, {
      method: 'OPTIONS',
      headers: { ...ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const payments = await call(emulator, 'GET', '/v1/payments/search', undefined, ORIGIN);
    expect(payments.headers.get('access-control-allow-origin')).toBeNull();
  });
});
