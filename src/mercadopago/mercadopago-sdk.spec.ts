import { Payment } from 'mercadopago';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from '../common/secret';
import { configureSdk, sdkConfig, toGatewayError } from './mercadopago-sdk';

describe('the official SDK, as the adapter drives it', () => {
  it('should send calls to the configured base URL (fails if an SDK upgrade moves the lever)', async () => {
    const seen: { url?: string; auth?: string; key?: string } = {};
    const server = http.createServer((req, res) => {
      Object.assign(seen, {
        url: req.url,
        auth: req.headers.authorization,
        key: req.headers['x-idempotency-key'],
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 42, status: 'approved' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    configureSdk(`http://127.0.0.1:${port}`, { timeoutMs: 2000, maxRetries: 0 });

    const token = new Secret('TEST-123');
    await new Payment(sdkConfig(token)).cancel({
      id: 42,
      requestOptions: { idempotencyKey: 'k-1' },
    });
    expect(seen).toEqual({ url: '/v1/payments/42', auth: 'Bearer TEST-123', key: 'k-1' });

    // A new config per call: the previous call's key must not stick (sdk-nodejs #481).
    await new Payment(sdkConfig(token)).cancel({ id: 42 });
    expect(seen.key).not.toBe('k-1');
    await new Promise((resolve) => server.close(resolve));
  });

  it('should map a connection failure to GATEWAY_UNAVAILABLE', async () => {
    configureSdk('http://127.0.0.1:9', { timeoutMs: 500, maxRetries: 0 });
    const error = await new Payment(sdkConfig(new Secret('TEST-1')))
      .get({ id: 1 })
      .catch((e: unknown) => toGatewayError(e, 'get payment'));
    expect(error).toMatchObject({ code: 'GATEWAY_UNAVAILABLE', status: 502 });
  });
});
