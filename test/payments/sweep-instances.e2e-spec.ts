import { sql } from 'drizzle-orm';
import { MercadoPagoEndpoint } from '../../src/mercadopago/mercadopago-endpoint';
import { PaymentsSweep } from '../../src/sweep/payments-sweep';
import { emulator } from '../support/payments';
import { TestDatabase, createTestDatabase } from '../support/test-db';
import { TestApp, startTestApp } from '../support/test-app';
import { eventually } from '../support/eventually';
import { payBehindOurBack, searchesAt, sweepRow } from './sweep.helper';

// Several instances on one database need PostgreSQL: jest.config.js runs this file there only.
describe('The sweep on two instances of one PostgreSQL database', () => {
  let testDatabase: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    a = await startTestApp({ testDatabase });
    // One Mercado Pago for both, as in production: A's embedded emulator.
    const mercadoPago = a.app.get(MercadoPagoEndpoint).baseUrl;
    b = await startTestApp({ testDatabase, env: { MERCADOPAGO_API_URL: mercadoPago } });
    await emulator(a, 'POST', '/__emulator/notification-faults', { mode: 'drop' });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await testDatabase?.drop();
  });
  afterEach(() => emulator(a, 'DELETE', '/__emulator/faults'));

  const due = () => a.database.db.execute(sql`UPDATE payment_sweeps SET next_run_at = '-infinity'`);
  const sweep = (t: TestApp) => t.app.get(PaymentsSweep).runOnce();

  it('should sweep due credentials on one instance only when both run at once', async () => {
    await payBehindOurBack(a, 'both-at-once');
    await due();

    const [onA, onB] = await Promise.all([sweep(a), sweep(b)]);

    expect(onA.credentials + onB.credentials).toBe(1);
    expect(onA.results.recorded + onB.results.recorded).toBe(1);
    expect(await searchesAt(a)).toBe(1);
  });

  it('should leave credentials another instance is sweeping to it, even once due again', async () => {
    await emulator(a, 'POST', '/__emulator/faults', {
      method: 'GET',
      path: '/v1/payments/search',
      latency_ms: 2000,
    });
    await due();
    const searches = await searchesAt(a);
    const running = sweep(a);
    await eventually('A to hold the lease', async () => (await sweepRow(a)).lease_owner !== null);
    await due();

    const onB = await sweep(b);

    expect(onB).toMatchObject({ credentials: 0, searches: 0 });
    expect(await running).toMatchObject({ credentials: 1, searches: 1 });
    expect(await searchesAt(a)).toBe(searches + 1);
    expect(await sweepRow(a)).toMatchObject({ lease_owner: null, last_outcome: 'completed' });
  });
});
