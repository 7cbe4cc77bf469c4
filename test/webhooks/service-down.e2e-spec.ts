import {
  EMULATOR_DEFAULT_ACCESS_TOKEN,
  EMULATOR_DEFAULT_PUBLIC_KEY,
  EMULATOR_DEFAULT_WEBHOOK_SECRET,
  RunningEmulator,
  startEmulator,
} from '../../emulator';
import { Json, pay, syncNow } from '../support/payments';
import { TestApp, startTestApp } from '../support/test-app';
import { TestDatabase, createTestDatabase } from '../support/test-db';
import { eventually, getPayment, notificationsSettled, transition } from './webhooks.helper';

describe('Mercado Pago notifications in: the service is down while they are sent', () => {
  let mercadopago: RunningEmulator;
  let database: TestDatabase;
  let t: TestApp;

  // Mercado Pago outlives our service: a standalone emulator, retrying on a fast clock.
  const start = (port?: number) =>
    startTestApp({
      testDatabase: database,
      port,
      env: {
        MERCADOPAGO_API_URL: mercadopago.url,
        MERCADOPAGO_ACCESS_TOKEN: EMULATOR_DEFAULT_ACCESS_TOKEN,
        MERCADOPAGO_PUBLIC_KEY: EMULATOR_DEFAULT_PUBLIC_KEY,
        MERCADOPAGO_WEBHOOK_SECRET: EMULATOR_DEFAULT_WEBHOOK_SECRET,
        RECONCILE_INTERVAL_SECONDS: '0',
      },
    });
  const control = (path: string, body?: unknown) =>
    fetch(`${mercadopago.url}${path}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const notificationLog = async () =>
    (await (await fetch(`${mercadopago.url}/__emulator/notifications`)).json()) as {
      deliveries: Json[];
      pending: Json[];
    };

  beforeAll(async () => {
    mercadopago = await startEmulator({ port: 0, timeScale: 0.0002, logger: false });
    database = await createTestDatabase();
    t = await start();
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
    await mercadopago.close();
  });

  it("should converge once back: Mercado Pago's retries for one payment, the reconciler for a lost one", async () => {
    const retried = await pay(t, 'CONT');
    const lost = await pay(t, 'CONT');
    expect([retried.status, lost.status]).toEqual(['in_process', 'in_process']);
    // Let the creation notifications land first: a late retry of one would re-read the payment.
    await eventually('creation notifications delivered', async () => {
      const log = await notificationLog();
      return log.pending.length === 0 && log.deliveries.filter((d) => d.status === 200).length >= 2;
    });
    // ...and read: a row still in our inbox would be read after the restart, approving `lost`.
    await notificationsSettled(t, retried.mercadopago_id);
    await notificationsSettled(t, lost.mercadopago_id);
    const port = Number(new URL(t.url).port);
    await t.close();

    const emulatorOf = { app: { get: () => ({ baseUrl: mercadopago.url }) } } as unknown as TestApp;
    await transition(emulatorOf, retried.mercadopago_id, 'approved');
    await control('/__emulator/notification-faults', { mode: 'drop', count: 1 });
    await transition(emulatorOf, lost.mercadopago_id, 'approved');
    const refused = await eventually('a delivery refused while down', async () => {
      const log = await notificationLog();
      return log.deliveries.some(
        (d) => d.body?.data?.id === String(retried.mercadopago_id) && d.error !== null,
      );
    });
    expect(refused).toBe(true);

    t = await start(port);
    const approved = await eventually('the retried notification applied', async () => {
      const payment = await getPayment(t, retried.id);
      return payment.status === 'approved' && payment;
    });
    expect(approved.status_detail).toBe('accredited');
    expect((await getPayment(t, lost.id)).status).toBe('in_process');

    // The reconciler's first look is due 30 s after creation: bring it forward, then sweep.
    await syncNow(t);
    expect((await getPayment(t, lost.id)).status).toBe('approved');
  });
});
