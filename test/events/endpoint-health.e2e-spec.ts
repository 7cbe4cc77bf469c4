import { pay } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { eventually } from '../webhooks/webhooks.helper';
import { createEndpoint } from './events.helper';

describe('Endpoints that keep failing, and the URL policy', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS: '1,1,1,1,1,1,1,1,1,1',
        EVENT_WORKER_INTERVAL_MS: '100',
        // About two seconds.
        EVENT_ENDPOINT_DISABLE_AFTER_HOURS: '0.0005',
        EVENT_ENDPOINT_ALLOW_HTTP: 'false',
      },
    });
  });
  afterAll(() => t.close());

  it('should refuse plain http unless allowed', async () => {
    const res = await t
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(t.adminToken))
      .send({ url: 'http://orders.internal/hooks' })
      .expect(400);
    expect(res.body.error.details).toEqual([
      { field: 'url', messages: [expect.stringContaining('https')] },
    ]);
  });

  it('should disable an endpoint that fails for longer than the setting, with a log line and a metric', async () => {
    // Nothing listens on port 9 of loopback: every attempt is refused.
    const endpoint = await createEndpoint(t, { url: 'https://127.0.0.1:9/hooks' });
    await pay(t, 'APRO');
    const disabled = await eventually('endpoint disabled', async () => {
      const res = await t
        .http()
        .get(`/v1/webhook-endpoints/${endpoint.id}`)
        .set(bearer(t.adminToken))
        .expect(200);
      return !res.body.enabled && res.body;
    });
    expect(disabled.disabled_reason).toBe('failing');
    await eventually('the log line', () =>
      t.logs.some((line) => line.includes(`Webhook endpoint ${endpoint.id} disabled`)),
    );
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^webhook_endpoints_disabled_total 1$/m);
    expect(metrics.text).toMatch(/^event_delivery_attempts_failed_total [1-9]/m);

    const resumed = await t
      .http()
      .patch(`/v1/webhook-endpoints/${endpoint.id}`)
      .set(bearer(t.adminToken))
      .send({ enabled: true })
      .expect(200);
    expect(resumed.body).toMatchObject({ enabled: true, disabled_reason: null });
  });
});
