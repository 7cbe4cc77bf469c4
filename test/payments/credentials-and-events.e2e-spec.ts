import { asc, eq } from 'drizzle-orm';
import { outboxEvents } from '../../src/events/outbox.schema';
import { createBody, registerAccount } from '../credentials/credentials.helper';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { cardToken, pay, paymentBody, postPayment } from '../support/payments';

describe('Which credentials a payment uses, and the events it announces', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('should charge with the default credentials, or with the ones named, recording which', async () => {
    const byDefault = await pay(t);
    const defaults = await t.http().get('/v1/credentials').set(bearer(t.adminToken)).expect(200);
    const defaultId = defaults.body.data.find((c: { is_default: boolean }) => c.is_default).id;
    expect(byDefault).toMatchObject({ credential_id: defaultId, live_mode: false });

    const account = await registerAccount(t, { site_id: 'MLB' });
    const second = await t
      .http()
      .post('/v1/credentials')
      .set(bearer(t.adminToken))
      .send(createBody(account, 'brazil-2'))
      .expect(201);
    const token = await cardToken(t, 'APRO', undefined, account.public_key);
    const explicit = await postPayment(
      t,
      paymentBody(token, { credential_id: second.body.id }),
    ).expect(201);
    expect(explicit.body).toMatchObject({
      credential_id: second.body.id,
      status: 'approved',
      live_mode: false,
    });
    // The card token belongs to the second account: the default one could not use it.
    const wrongAccount = await postPayment(
      t,
      paymentBody(await cardToken(t, 'APRO', undefined, account.public_key)),
    );
    expect(wrongAccount.status).toBe(422);
    expect(wrongAccount.body.error.code).toBe('GATEWAY_REJECTED');
  });

  it('should refuse credentials that do not exist', async () => {
    const res = await postPayment(
      t,
      paymentBody(await cardToken(t), { credential_id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CREDENTIAL_NOT_FOUND');
  });

  it('should write payment.created and payment.<status> in the transaction of each change', async () => {
    const payment = await pay(t, 'APRO', { capture: false });
    await t
      .http()
      .post(`/v1/payments/${payment.id}/capture`)
      .set(bearer(t.adminToken))
      .send({})
      .expect(200);
    const events = await t.database.db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.subjectId, payment.id))
      .orderBy(asc(outboxEvents.seq));
    expect(events.map((e) => e.type)).toEqual([
      'payment.created',
      'payment.authorized',
      'payment.updated',
      'payment.approved',
    ]);
    expect(events[3].payload).toMatchObject({ payment: { id: payment.id, status: 'approved' } });
  });
});
