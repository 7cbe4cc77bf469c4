import { randomUUID } from 'node:crypto';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  cardToken,
  chargesAt,
  emulator,
  paymentBody,
  paymentsByReference,
  postPayment,
} from '../support/payments';

describe('Idempotent payment creation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('should require an Idempotency-Key', async () => {
    const res = await t
      .http()
      .post('/v1/payments')
      .set(bearer(t.adminToken))
      .send(paymentBody(await cardToken(t)))
      .expect(400);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_MISSING');
  });

  it('should replay the stored answer for the same key and body, without charging again', async () => {
    const key = randomUUID();
    const body = paymentBody(await cardToken(t), { external_reference: `replay-${key}` });
    const first = await postPayment(t, body, key).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await postPayment(t, body, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await chargesAt(t, `replay-${key}`)).toBe(1);
  });

  it('should refuse the same key with a different body with 422', async () => {
    const key = randomUUID();
    await postPayment(t, paymentBody(await cardToken(t)), key).expect(201);
    const res = await postPayment(
      t,
      paymentBody(await cardToken(t), { transaction_amount: 5 }),
      key,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('should scope keys to the calling token', async () => {
    const other = await t
      .http()
      .post('/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name: 'other-caller', scopes: ['payments:write'] })
      .expect(201);
    const key = randomUUID();
    const mine = await postPayment(t, paymentBody(await cardToken(t)), key).expect(201);
    const theirs = await postPayment(t, paymentBody(await cardToken(t)), key, other.body.token);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('should charge once when 20 identical requests arrive at the same instant', async () => {
    const key = randomUUID();
    const reference = `burst-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    const answers = await Promise.all(Array.from({ length: 20 }, () => postPayment(t, body, key)));
    const statuses = answers.map((res) => res.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = answers.filter((res) => res.status === 201);
    expect(new Set(created.map((res) => res.body.id)).size).toBe(1);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(res.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }
    expect(await chargesAt(t, reference)).toBe(1);
    expect(await paymentsByReference(t, reference)).toHaveLength(1);
  });

  it('should send Mercado Pago a key derived from ours, the same on every retry', async () => {
    const key = randomUUID();
    const reference = `derived-${key}`;
    const body = paymentBody(await cardToken(t), { external_reference: reference });
    const created = await postPayment(t, body, key).expect(201);
    const { body: log } = await emulator(
      t,
      'GET',
      '/__emulator/requests?method=POST&path=/v1/payments',
    );
    const ours = log.filter(
      (r: { body?: { external_reference?: string } }) => r.body?.external_reference === reference,
    );
    expect(ours).toHaveLength(1);
    expect(ours[0].headers['x-idempotency-key']).toBe(`mps-payment-${created.body.id}`);
    expect(ours[0].headers['x-idempotency-key']).not.toContain(key);
  });
});
