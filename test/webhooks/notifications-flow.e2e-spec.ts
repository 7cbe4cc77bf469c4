import { randomUUID } from 'node:crypto';
import { EMULATOR_DEFAULT_ACCESS_TOKEN, EMULATOR_DEFAULT_PUBLIC_KEY } from '../../emulator';
import {
  NotificationsRepository,
  ReceivedNotification,
} from '../../src/webhooks/inbound/notifications.repository';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { Json, cardToken, emulator, pay, payAtMercadoPago, paymentBody } from '../support/payments';
import {
  defaultCredentialId,
  deliveries,
  eventually,
  getPayment,
  listNotifications,
  notificationsSettled,
  postWebhook,
  signedHeaders,
  transition,
  worker,
} from './webhooks.helper';

describe('Mercado Pago notifications in: the emulator notifies the running service', () => {
  let t: TestApp;
  let credentialId: string;

  beforeAll(async () => {
    // No reconciler: whatever converges here converges through notifications.
    t = await startTestApp({
      env: {
        RECONCILE_INTERVAL_SECONDS: '0',
        WEBHOOK_RETRY_BASE_MS: '20',
        WEBHOOK_MAX_ATTEMPTS: '4',
        WEBHOOK_NOT_FOUND_MAX_ATTEMPTS: '3',
      },
    });
    credentialId = await defaultCredentialId(t);
  });
  afterAll(() => t.close());
  afterEach(async () => {
    await emulator(t, 'DELETE', '/__emulator/faults');
    await emulator(t, 'POST', '/__emulator/accounts', {
      access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
      public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
      send_ipn: false,
    });
  });

  const settled = (mercadopagoId: number, count = 1) =>
    notificationsSettled(t, mercadopagoId, count);

  const statusBecomes = (id: string, status: string) =>
    eventually(`payment ${status}`, async () => {
      const payment = await getPayment(t, id);
      return payment.status === status && payment;
    });

  it('should approve our payment when Mercado Pago approves it, without any call from the test to our API', async () => {
    const created = await pay(t, 'CONT');
    expect(created.status).toBe('in_process');
    await transition(t, created.mercadopago_id, 'pending', true);
    await transition(t, created.mercadopago_id, 'approved');

    const approved = await statusBecomes(created.id, 'approved');
    expect(approved).toMatchObject({ status_detail: 'accredited' });
    // Any notification re-reads the latest state, so ours can turn approved before the emulator
    // has recorded our answer to the last of its three notifications.
    const sent = await eventually('three notifications answered', async () => {
      const ours = (await deliveries(t)).filter((d: Json) => d.url.includes(credentialId));
      return ours.length >= 3 && ours;
    });
    expect(sent.every((d: Json) => d.status === 200 && d.kind === 'webhook')).toBe(true);
    // Our notification_url asks for signed webhooks only.
    expect(sent.every((d: Json) => new URL(d.url).searchParams.get('source_news'))).toBe(true);
    expect(new URL(sent[0].url).searchParams.get('source_news')).toBe('webhooks');

    // The emulator sends its three notifications concurrently: they arrive in any order, and
    // those that arrive while one is still pending coalesce into its row (the latest action wins).
    const rows = await settled(created.mercadopago_id);
    for (const row of rows) {
      expect(['payment.created', 'payment.updated']).toContain(row.action);
      expect(row).toMatchObject({
        credential_id: credentialId,
        topic: 'payment',
        status: 'done',
        signature: 'verified',
        payment_id: created.id,
        last_error: null,
        attempts: 1,
      });
    }
  });

  it('should record a payment made at Mercado Pago outside this service (same account)', async () => {
    const reference = `pos-${randomUUID()}`;
    const outside = await payAtMercadoPago(
      t,
      paymentBody(await cardToken(t), {
        external_reference: reference,
        notification_url: `${t.url}/webhooks/mercadopago/${credentialId}`,
      }),
    );

    const recorded = await eventually('the outside payment recorded', async () => {
      const list = await t
        .http()
        .get('/v1/payments')
        .query({ external_reference: reference })
        .set(bearer(t.adminToken))
        .expect(200);
      return list.body.data[0];
    });
    expect(recorded).toMatchObject({
      mercadopago_id: outside.id,
      credential_id: credentialId,
      status: 'approved',
      transaction_amount: 100,
    });
  });

  const reads = async (mercadopagoId: number) =>
    (await emulator(t, 'GET', `/__emulator/requests?method=GET&path=/v1/payments/${mercadopagoId}`))
      .body as Json[];

  it("should settle the creation notification of a payment it holds from Mercado Pago's answer without reading it again, and read every later change", async () => {
    // Held until our answer is stored, as usual; arriving first is the money path's case.
    await emulator(t, 'POST', '/__emulator/notification-faults', {
      mode: 'reorder',
      count: 1,
      window_ms: 60_000,
    });
    const created = await pay(t, 'CONT');
    await emulator(t, 'POST', '/__emulator/notifications/release');
    const [creation] = await settled(created.mercadopago_id);
    expect(creation).toMatchObject({
      action: 'payment.created',
      status: 'done',
      payment_id: created.id,
    });
    expect(await reads(created.mercadopago_id)).toEqual([]);

    await transition(t, created.mercadopago_id, 'approved');
    await statusBecomes(created.id, 'approved');
    await settled(created.mercadopago_id, 2);
    expect(await reads(created.mercadopago_id)).toHaveLength(1);
  });

  it('should get no IPN, even from an account that sends it, and fold duplicates into one row', async () => {
    const created = await pay(t, 'CONT');
    await settled(created.mercadopago_id);
    await emulator(t, 'POST', '/__emulator/accounts', {
      access_token: EMULATOR_DEFAULT_ACCESS_TOKEN,
      public_key: EMULATOR_DEFAULT_PUBLIC_KEY,
      send_ipn: true,
    });
    await emulator(t, 'POST', '/__emulator/notification-faults', { mode: 'duplicate', count: 1 });

    await transition(t, created.mercadopago_id, 'approved');
    await statusBecomes(created.id, 'approved');

    const rows = await eventually('the duplicate folded', async () => {
      const all = await settled(created.mercadopago_id, 2);
      return all[0].channels.webhook >= 2 && all;
    });
    // One row for the creation, one for the approval: two requests, one processing.
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      status: 'done',
      received_count: 2,
      channels: { webhook: 2, ipn: 0 },
    });
    const ours = (await deliveries(t)).filter((d: Json) =>
      String(d.url).includes(String(created.mercadopago_id)),
    );
    expect(ours.filter((d: Json) => d.kind === 'ipn')).toEqual([]);
  });

  it("should answer a burst of concurrent notifications, keeping every one and folding each payment's repeats", async () => {
    const made = await Promise.all([1, 2, 3].map(() => pay(t, 'CONT')));
    for (const payment of made) await settled(payment.mercadopago_id);
    const ids = made.map((payment) => String(payment.mercadopago_id));

    // All in flight at once over HTTP (shared statements are the next spec's, in one turn).
    const answers = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 5 }, () => postWebhook(t, credentialId, id, signedHeaders(id))),
      ),
    );
    expect(answers.map((res) => [res.status, res.body])).toEqual(
      Array.from({ length: 15 }, () => [200, { status: 'accepted' }]),
    );
    // Each payment's rows count its creation's webhook and the five (rows read at the same
    // version fold into one), once all are settled.
    for (const id of ids) {
      await eventually(`the burst for ${id} counted`, async () => {
        const rows = await notificationsSettled(t, id);
        return rows.reduce((sum, row) => sum + Number(row.channels.webhook), 0) === 6;
      });
    }
  });

  it("should store notifications that arrive in the same turn with shared statements, answering each and folding a resource's repeats", async () => {
    const repository = t.app.get(NotificationsRepository);
    const received = (resourceId: string): ReceivedNotification => ({
      credentialId,
      topic: 'payment',
      resourceId,
      action: 'payment.updated',
      signature: 'current',
      requestId: randomUUID(),
    });
    const [once, thrice] = await Promise.all([pay(t, 'CONT'), pay(t, 'CONT')]);
    for (const payment of [once, thrice]) await settled(payment.mercadopago_id);

    const results = await Promise.all(
      [thrice, once, thrice, thrice].map((payment) =>
        repository.receive(received(String(payment.mercadopago_id))),
      ),
    );
    expect(results).toEqual([
      { folded: false },
      { folded: false },
      { folded: true },
      { folded: true },
    ]);
    // Its creation's notification and these three, once the worker read them.
    await eventually('the three counted', async () => {
      const rows = await settled(thrice.mercadopago_id);
      return rows.reduce((sum, row) => sum + Number(row.received_count), 0) === 4;
    });
  });

  const pauses = async () => {
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    return Number(/^mercadopago_notification_worker_pauses_total (\d+)$/m.exec(metrics)?.[1]);
  };

  it('should let acknowledgements go first: after a slow one the worker pauses, then still processes the notification', async () => {
    const before = await pauses();
    const created = await pay(t, 'CONT');
    await settled(created.mercadopago_id);

    // As when a flood keeps the process busy: an acknowledgement took a second to store.
    worker(t).stored(1_000);
    await transition(t, created.mercadopago_id, 'approved');

    await statusBecomes(created.id, 'approved');
    expect(await pauses()).toBeGreaterThan(before);
  });

  it('should pause for moderately slow acknowledgements too while they come by the hundred per second', async () => {
    const before = await pauses();
    const created = await pay(t, 'CONT');
    await settled(created.mercadopago_id);

    // A flood: a thousand acknowledgements since the worker last looked, each stored in 6 ms,
    // too little alone to pause for (a calm service keeps its reads prompt).
    await worker(t).runOnce();
    for (let i = 0; i < 1_000; i++) worker(t).stored(6);
    await transition(t, created.mercadopago_id, 'approved');

    await statusBecomes(created.id, 'approved');
    expect(await pauses()).toBeGreaterThan(before);
  });

  it('should never let an older notification arriving last overwrite the newer state', async () => {
    const created = await pay(t, 'CONT');
    await settled(created.mercadopago_id);
    await emulator(t, 'POST', '/__emulator/notification-faults', {
      mode: 'reorder',
      count: 2,
      window_ms: 60_000,
    });
    await transition(t, created.mercadopago_id, 'pending', true);
    await transition(t, created.mercadopago_id, 'approved');
    // Delivered newest first: "approved" arrives, then the older "pending" one.
    expect((await emulator(t, 'POST', '/__emulator/notifications/release')).body).toEqual({
      released: 2,
    });

    await statusBecomes(created.id, 'approved');
    await worker(t).runOnce();
    const rows = await settled(created.mercadopago_id, 2);
    expect(rows.every((r: Json) => r.status === 'done')).toBe(true);
    expect((await getPayment(t, created.id)).status).toBe('approved');
  });

  /** Mercado Pago answers "not found" for reads of a payment (the next `count` of them, or all). */
  const paymentNotFound = (count?: number) =>
    emulator(t, 'POST', '/__emulator/faults', {
      method: 'GET',
      path: '/v1/payments/:id',
      status: 404,
      body: { message: 'Payment not found', error: 'not_found', status: 404, cause: [] },
      count,
    });

  it('should retry a notification Mercado Pago cannot serve yet, then apply it', async () => {
    const created = await pay(t, 'CONT');
    await settled(created.mercadopago_id);
    await paymentNotFound(2);

    await transition(t, created.mercadopago_id, 'approved');
    await statusBecomes(created.id, 'approved');
    const [latest] = await settled(created.mercadopago_id, 2);
    expect(latest).toMatchObject({ status: 'done', attempts: 3, last_error: null });
  });

  it('should stop reading a payment Mercado Pago keeps not finding, show the row dead, and process it on retry', async () => {
    const created = await pay(t, 'CONT');
    await settled(created.mercadopago_id);
    await paymentNotFound();

    await transition(t, created.mercadopago_id, 'approved');
    const dead = await eventually('the row dead', async () => {
      const rows = await listNotifications(t, {
        status: 'dead',
        resource_id: String(created.mercadopago_id),
      });
      return rows[0];
    });
    // WEBHOOK_NOT_FOUND_MAX_ATTEMPTS (3) reads, before WEBHOOK_MAX_ATTEMPTS (4).
    expect(dead).toMatchObject({ attempts: 3, last_error: expect.stringMatching(/NOT_FOUND/) });
    expect((await getPayment(t, created.id)).status).toBe('in_process');
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^mercadopago_notifications_dead 1$/m);

    await emulator(t, 'DELETE', '/__emulator/faults');
    const retried = await t
      .http()
      .post(`/v1/notifications/${dead.id}/retry`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(retried.body).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    await statusBecomes(created.id, 'approved');
    const rows = await settled(created.mercadopago_id, 2);
    expect(rows.find((r: Json) => r.id === dead.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect((await t.http().get('/metrics')).text).toMatch(/^mercadopago_notifications_dead 0$/m);
  });

  it('should stop re-reading an id Mercado Pago does not know after WEBHOOK_NOT_FOUND_MAX_ATTEMPTS', async () => {
    const madeUp = String(8_000_000_000 + Math.floor(Math.random() * 1_000_000));
    await postWebhook(t, credentialId, madeUp, signedHeaders(madeUp)).expect(200);
    const dead = await eventually('the made-up id given up', async () => {
      const [row] = await listNotifications(t, { resource_id: madeUp });
      return row?.status === 'dead' && row;
    });
    expect(dead).toMatchObject({ attempts: 3, last_error: expect.stringMatching(/NOT_FOUND/) });
    // Dead rows are never claimed again.
    await worker(t).runOnce();
    expect((await listNotifications(t, { resource_id: madeUp }))[0].attempts).toBe(3);
  });
});
