import { Json, cardToken, paymentBody, postPayment } from '../support/payments';
import { TestApp, startTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-db';
import { eventually } from '../webhooks/webhooks.helper';
import { Subscriber, createEndpoint, listEvents } from './events.helper';

/** The metric of one instance: how many deliveries it made. */
async function deliveredBy(t: TestApp): Promise<number> {
  const res = await t.http().get('/metrics').expect(200);
  const match = /^event_deliveries_delivered_total (\d+)$/m.exec(res.text);
  return Number(match?.[1] ?? 0);
}

// PostgreSQL only (see jest.config.js): PGlite is one process per database.
describe('Event deliveries shared by three service instances on one database', () => {
  let apps: TestApp[];
  let subscriber: Subscriber;

  beforeAll(async () => {
    const testDatabase = await createTestDatabase();
    // Each instance has its own emulator: no reconciler, so none re-reads another's payments.
    const env = { RECONCILE_INTERVAL_SECONDS: '0', EVENT_WORKER_INTERVAL_MS: '50' };
    apps = [];
    for (let i = 0; i < 3; i++) apps.push(await startTestApp({ testDatabase, env }));
    subscriber = await new Subscriber().start();
    await createEndpoint(apps[0], { url: subscriber.url });
  });
  afterAll(async () => {
    await subscriber.stop();
    await Promise.all(apps.map((t) => t.close()));
    await apps[0].testDatabase.drop();
  });

  it('should deliver every event once, in order per payment, whichever instance made the change', async () => {
    const payments: Json[] = [];
    for (let i = 0; i < 12; i++) {
      // The SDK's base URL is one per process: the last instance's emulator serves all three.
      const res = await postPayment(apps[i % 3], paymentBody(await cardToken(apps[2]))).expect(201);
      payments.push(res.body);
    }

    for (const payment of payments) {
      const sent = (await listEvents(apps[0], { payment_id: payment.id })).reverse();
      const got = await eventually(`events of ${payment.id}`, () =>
        Promise.resolve(
          subscriber.of(payment.id).length >= sent.length && subscriber.of(payment.id),
        ),
      );
      expect(got.map((e: Json) => e.id)).toEqual(sent.map((e: Json) => e.id));
    }
    const ids = subscriber.received.map((r) => r.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    const counts = await Promise.all(apps.map(deliveredBy));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(ids.length);
  });
});
