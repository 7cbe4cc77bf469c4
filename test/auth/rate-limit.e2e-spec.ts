import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createToken } from './auth.helper';

describe('The rate limit per service token', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A window of an hour: the spec never straddles two.
    t = await startTestApp({ env: { API_RATE_LIMIT: '3', API_RATE_LIMIT_WINDOW_SECONDS: '3600' } });
  });
  afterAll(() => t.close());

  const busyToken = async () => (await createToken(t, ['payments:read'])).token;
  const list = (token: string) => t.http().get('/v1/payments?limit=1').set(bearer(token));

  it('should answer 429 with Retry-After once a token has spent its window, sparing other tokens', async () => {
    const busy = await busyToken();
    const calm = await busyToken();
    for (let i = 0; i < 3; i += 1) await list(busy).expect(200);

    const refused = await list(busy).expect(429);
    expect(refused.body).toEqual({
      error: {
        code: 'REQUEST_RATE_LIMITED',
        message: expect.stringContaining('API_RATE_LIMIT'),
        request_id: refused.headers['x-request-id'],
      },
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    await list(calm).expect(200);
  });

  it('should not count requests without a valid token', async () => {
    const busy = await busyToken();
    for (let i = 0; i < 5; i += 1) {
      await t.http().get('/v1/payments').set(bearer('mpsvc_not-a-real-token')).expect(401);
    }
    await list(busy).expect(200);
  });
});
