import { sql } from 'drizzle-orm';
import { Json, pay } from '../support/payments';
import { TestApp, startTestApp } from '../support/test-app';
import { eventually, notificationsSettled } from '../webhooks/webhooks.helper';
import { Subscriber, createEndpoint } from './events.helper';

describe('Event fan-out: no round-trips per payment while there is nowhere to deliver', () => {
  let t: TestApp;
  let subscriber: Subscriber;

  beforeAll(async () => {
    // A poll far beyond any wait below: whatever is fanned out here was fanned out by a change.
    t = await startTestApp({ env: { EVENT_WORKER_INTERVAL_MS: '60000' } });
    subscriber = await new Subscriber().start();
  });
  afterAll(async () => {
    await subscriber.stop();
    await t.close();
  });

  const fannedOut = async (paymentId: string): Promise<boolean[]> => {
    const result = await t.database.db.execute(
      sql`SELECT fanned_out FROM outbox_events WHERE subject_id = ${paymentId} ORDER BY seq`,
    );
    return (result as { rows: Json[] }).rows.map((row) => row.fanned_out);
  };

  it('should leave the events of a payment to the poll while no endpoint exists', async () => {
    const payment = await pay(t, 'APRO');
    // Its notification settled too: a fan-out started by the change would have finished by now.
    await notificationsSettled(t, payment.mercadopago_id);

    expect(await fannedOut(payment.id)).toEqual([false, false]);
  });

  it('should fan out at once, long before the poll, once an endpoint is added on this instance', async () => {
    await createEndpoint(t, { url: subscriber.url });
    const payment = await pay(t, 'APRO');

    const got = await eventually(
      `events of ${payment.id} delivered`,
      () => subscriber.of(payment.id).length >= 2 && subscriber.of(payment.id),
      10_000,
    );
    expect(got.map((event: Json) => event.type)).toEqual(['payment.created', 'payment.approved']);
    expect(await fannedOut(payment.id)).toEqual([true, true]);
  });
});
