import { connect } from 'node:net';
import { Json, cardToken, paymentBody, postPayment } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';

/** Sends bytes no HTTP client library would send, and returns the raw answer. */
function rawRequest(url: string, head: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers, body] = text.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), body: JSON.parse(body) });
    });
  });
}

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('Hostile input', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await cardToken(t);
  });
  afterAll(() => t.close());

  const expectContractError = (res: { body: Json; headers: Json }, code: string) => {
    expect(res.body).toEqual({
      error: expect.objectContaining({ code, message: expect.any(String) }),
    });
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  };

  it.each([
    ['a NUL byte in external_reference', { external_reference: 'order\u0000-1' }],
    ['a lone surrogate in description', { description: 'broken \ud800 text' }],
    ['a NUL byte in a metadata key', { metadata: { 'key\u0000': 'value' } }],
    ['a lone surrogate in a metadata value', { metadata: { note: '\udc00' } }],
  ])('should refuse a payment with %s as a validation error', async (_case, overrides) => {
    const res = await postPayment(t, paymentBody(token, overrides)).expect(400);
    expectContractError(res, 'REQUEST_VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      {
        field: expect.stringMatching(/^(external_reference|description|metadata\..+)$/),
        messages: ['must not contain NUL characters or unpaired surrogates'],
      },
    ]);
  });

  it.each(['/v1/payments?external_reference=%00', '/v1/notifications?topic=%00'])(
    'should refuse a NUL byte in the list filter %s',
    async (path) => {
      const res = await t.http().get(path).set(bearer(t.adminToken)).expect(400);
      expectContractError(res, 'REQUEST_VALIDATION_FAILED');
    },
  );

  it.each(['metadata', 'payer'])(
    'should refuse %s nested thousands of levels deep',
    async (field) => {
      const body = JSON.stringify(paymentBody(token, { [field]: 'NESTED' })).replace(
        '"NESTED"',
        nested(5000),
      );
      const res = await t
        .http()
        .post('/v1/payments')
        .set(bearer(t.adminToken))
        .set('idempotency-key', `deep-${field}`)
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      expectContractError(res, 'REQUEST_VALIDATION_FAILED');
      expect(res.body.error.details[0].messages).toEqual([
        'must not be nested deeper than 32 levels',
      ]);
    },
  );

  it('should answer a path parameter over 100 characters with 414 in the contract shape', async () => {
    const res = await t
      .http()
      .get(`/v1/payments/${'x'.repeat(150)}`)
      .set(bearer(t.adminToken))
      .expect(414);
    expectContractError(res, 'REQUEST_PARAMETER_TOO_LONG');
  });

  it('should answer control bytes in a header with 400 in the contract shape', async () => {
    const res = await rawRequest(
      t.url,
      'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n',
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'REQUEST_MALFORMED',
        message: expect.any(String),
        request_id: expect.any(String),
      },
    });
  });

  it('should answer an unsupported media type with 415 in the contract shape', async () => {
    const res = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .set('content-type', 'text/plain')
      .send('name=x')
      .expect(415);
    expectContractError(res, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });
});
