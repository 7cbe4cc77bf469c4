import { Webhook } from 'standardwebhooks';
import { Json, pay, postRefund } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { eventually, getPayment, transition } from '../webhooks/webhooks.helper';
import { Subscriber, createEndpoint, headersOf, listDeliveries, listEvents } from './events.helper';

const types = (events: Json[]) => events.map((e: Json) => e.type);

describe('Payment events to internal services: signed deliveries per Standard Webhooks', () => {
  let t: TestApp;
  let subscriber: Subscriber;
  let endpoint: Json;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        EVENT_DELIVERY_RETRY_SCHEDULE_SECONDS: '1,1,1,1,1,1,1,1,1,1',
        EVENT_WORKER_INTERVAL_MS: '100',
      },
    });
    subscriber = await new Subscriber().start();
    endpoint = await createEndpoint(t, { url: subscriber.url, description: 'orders' });
  });
  afterAll(async () => {
    await subscriber.stop();
    await t.close();
  });

  /** Every event of the payment, as GET /v1/events lists them, has reached the subscriber. */
  const allArrived = (paymentId: string) =>
    eventually(`events of ${paymentId} delivered`, async () => {
      const sent = await listEvents(t, { payment_id: paymentId });
      const got = subscriber.of(paymentId);
      return sent.length > 0 && got.length >= sent.length && { sent: sent.reverse(), got };
    });

  it('should show the secret once, as a Standard Webhooks secret, and never again', async () => {
    expect(endpoint).toMatchObject({
      url: subscriber.url,
      event_types: null,
      description: 'orders',
      enabled: true,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(endpoint.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    const one = await t
      .http()
      .get(`/v1/webhook-endpoints/${endpoint.id}`)
      .set(bearer(t.adminToken))
      .expect(200);
    const all = await t.http().get('/v1/webhook-endpoints').set(bearer(t.adminToken)).expect(200);
    expect(one.body.secret).toBeUndefined();
    expect(JSON.stringify(all.body)).not.toContain(endpoint.secret.slice(6));
    expect(t.logs.join('\n')).not.toContain(endpoint.secret.slice(6));
  });

  it('should deliver a change we make, signed, with the payment as GET /v1/payments/{id} shows it', async () => {
    const payment = await pay(t, 'APRO');
    const { sent, got } = await allArrived(payment.id);

    expect(types(got)).toEqual(['payment.created', 'payment.approved']);
    expect(got).toEqual(sent);
    // GET /v1/payments/{id} adds the payment's disputes; events carry the payment alone.
    const { disputes, ...shown } = await getPayment(t, payment.id);
    expect(disputes).toEqual([]);
    expect(got[1].data).toEqual(shown);
    const verified = subscriber.verified(endpoint.secret);
    expect(verified).toEqual(subscriber.received.map((r) => r.event));
    for (const r of subscriber.received) {
      expect(r.headers['webhook-id']).toBe(r.event.id);
      expect(r.event.id).toMatch(/^evt_[0-9a-f]{32}$/);
      expect(Number(r.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
    }
  });

  it('should deliver a change Mercado Pago makes (its signed notification, then our re-read)', async () => {
    const payment = await pay(t, 'CONT');
    expect(payment.status).toBe('in_process');
    await transition(t, payment.mercadopago_id, 'approved');

    const arrived = await eventually('approval delivered', () =>
      subscriber.of(payment.id).find((e: Json) => e.type === 'payment.approved'),
    );
    expect(types(subscriber.of(payment.id))).toEqual([
      'payment.created',
      'payment.in_process',
      'payment.updated',
      'payment.approved',
    ]);
    expect(arrived.data.status).toBe('approved');
  });

  it('should fail verification with another secret', () => {
    const other = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    const [first] = subscriber.received;
    expect(() => other.verify(first.body, headersOf(first))).toThrow(/signature/i);
    expect(() => new Webhook(endpoint.secret).verify(first.body, headersOf(first))).not.toThrow();
  });

  it('should deliver everything, in order per payment, once a subscriber that was down is back', async () => {
    await subscriber.stop();
    const first = await pay(t, 'APRO');
    const second = await pay(t, 'APRO');
    await postRefund(t, first.id, { amount: 10 }).expect(201);
    await postRefund(t, first.id).expect(201);
    await eventually('attempts failing', async () => {
      const rows = await listDeliveries(t, endpoint.id);
      return rows.some((d: Json) => d.error === 'ECONNREFUSED' && d.attempt >= 2);
    });

    await subscriber.start();
    for (const payment of [first, second]) {
      const { sent, got } = await allArrived(payment.id);
      // Retries may repeat an event, never reorder them: drop repeats, compare the order.
      const ids = got.map((e: Json) => e.id).filter((id, i, all) => all.indexOf(id) === i);
      expect(ids).toEqual(sent.map((e: Json) => e.id));
    }
    expect(types(subscriber.of(first.id))).toEqual(
      expect.arrayContaining(['payment.updated', 'payment.refunded']),
    );
  });

  it('should sign with both secrets during a rotation overlap', async () => {
    const rotated = await t
      .http()
      .post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);

    const payment = await pay(t, 'APRO');
    await allArrived(payment.id);
    const last = subscriber.received[subscriber.received.length - 1];
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(last.body, headersOf(last))).toEqual(last.event);
    expect(new Webhook(endpoint.secret).verify(last.body, headersOf(last))).toEqual(last.event);
  });

  it('should redeliver an event with the same webhook-id', async () => {
    const payment = await pay(t, 'APRO');
    const { sent } = await allArrived(payment.id);
    const before = subscriber.received.length;

    const res = await t
      .http()
      .post(`/v1/events/${sent[0].id}/redeliver`)
      .set(bearer(t.adminToken))
      .expect(202);
    expect(res.body).toEqual({ event_id: sent[0].id, endpoint_ids: [endpoint.id] });
    const again = await eventually('redelivery', () =>
      subscriber.received.slice(before).find((r) => r.event.id === sent[0].id),
    );
    expect(again.headers['webhook-id']).toBe(sent[0].id);
    expect(again.event).toEqual(sent[0]);
  });

  it('should send a signed ping on test, and log each delivery with its answer', async () => {
    const res = await t
      .http()
      .post(`/v1/webhook-endpoints/${endpoint.id}/test`)
      .set(bearer(t.adminToken))
      .expect(202);
    expect(res.body).toMatchObject({ type: 'ping', data: { endpoint_id: endpoint.id } });
    await eventually('ping', () => subscriber.received.find((r) => r.event.id === res.body.id));

    // The subscriber has it before we have its answer: the log shows the attempt once settled.
    const rows = await eventually('ping logged', async () => {
      const all = await listDeliveries(t, endpoint.id);
      return all[0]?.status !== 'sending' && all;
    });
    expect(rows[0]).toMatchObject({
      event_id: res.body.id,
      event_type: 'ping',
      status: 'delivered',
      attempt: 1,
      response_status: 200,
      response_body: 'thanks',
      error: null,
      next_attempt_at: null,
    });
  });

  it('should page deliveries newest first and filter events', async () => {
    const page = await t
      .http()
      .get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)
      .query({ limit: '2' })
      .set(bearer(t.adminToken))
      .expect(200);
    const next = await t
      .http()
      .get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)
      .query({ limit: '2', cursor: page.body.next_cursor })
      .set(bearer(t.adminToken))
      .expect(200);
    const all = await listDeliveries(t, endpoint.id);
    expect([...page.body.data, ...next.body.data]).toEqual(all.slice(0, 4));

    const approved = await listEvents(t, { type: 'payment.approved' });
    expect(approved.length).toBeGreaterThan(0);
    expect(new Set(types(approved))).toEqual(new Set(['payment.approved']));
    expect(
      await listEvents(t, { created_from: new Date(Date.now() + 60_000).toISOString() }),
    ).toEqual([]);
  });

  it('should send only the types an endpoint subscribes to', async () => {
    const picky = await new Subscriber().start();
    const created = await createEndpoint(t, {
      url: picky.url,
      event_types: ['payment.refunded'],
    });
    const payment = await pay(t, 'APRO');
    await postRefund(t, payment.id).expect(201);
    await eventually('refund event', () => picky.of(payment.id).length > 0);
    await allArrived(payment.id);
    expect(types(picky.received.map((r) => r.event))).toEqual(['payment.refunded']);
    await picky.stop();
    await t
      .http()
      .delete(`/v1/webhook-endpoints/${created.id}`)
      .set(bearer(t.adminToken))
      .expect(200);
  });

  it('should refuse bad input with the fields named, and unknown ids with 404', async () => {
    const bad = await t
      .http()
      .post('/v1/webhook-endpoints')
      .set(bearer(t.adminToken))
      .send({ url: 'ftp://x', event_types: ['payment.exploded'] })
      .expect(400);
    expect(bad.body.error.details.map((d: Json) => d.field).sort()).toEqual(['event_types', 'url']);
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['get', `/v1/webhook-endpoints/${missing}`],
      ['post', `/v1/webhook-endpoints/${missing}/rotate-secret`],
      ['post', `/v1/webhook-endpoints/${missing}/test`],
      ['get', `/v1/webhook-endpoints/${missing}/deliveries`],
    ] as const) {
      const res = await t.http()[method](path).set(bearer(t.adminToken)).expect(404);
      expect(res.body.error.code).toBe('WEBHOOK_ENDPOINT_NOT_FOUND');
    }
    const noEvent = await t
      .http()
      .post('/v1/events/evt_nope/redeliver')
      .set(bearer(t.adminToken))
      .expect(404);
    expect(noEvent.body.error.code).toBe('EVENT_NOT_FOUND');
  });
});
