import { randomUUID } from 'node:crypto';
import { createToken } from '../auth/auth.helper';
import { createCredentials } from '../credentials/credentials.helper';
import { listEvents } from '../events/events.helper';
import {
  Json,
  cardToken,
  pay,
  payAtMercadoPago,
  paymentBody,
  postPayment,
} from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import {
  defaultCredentialId,
  eventually,
  getPayment,
  listNotifications,
  notificationsSettled,
  postWebhook,
  signedHeaders,
} from '../webhooks/webhooks.helper';
import { disputeIn, listDisputes, moveChargeback, openChargeback } from './disputes.helper';

const eventsOf = async (t: TestApp, disputeId: string) =>
  (
    await Promise.all(
      ['dispute.opened', 'dispute.updated', 'dispute.closed'].map((type) =>
        listEvents(t, { type }),
      ),
    )
  )
    .flat()
    .filter((e) => e.data.id === disputeId)
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));

/** A correctly signed chargeback notification, as Mercado Pago sends it. */
const notifyChargeback = (t: TestApp, credentialId: string, id: string, type = 'chargebacks') =>
  postWebhook(t, credentialId, id, signedHeaders(id), type);

describe('Disputes: Mercado Pago chargebacks, from its notification to ops and events', () => {
  let t: TestApp;
  let credentialId: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        RECONCILE_INTERVAL_SECONDS: '0',
        WEBHOOK_RETRY_BASE_MS: '20',
        WEBHOOK_MAX_ATTEMPTS: '3',
      },
    });
    credentialId = await defaultCredentialId(t);
  });
  afterAll(() => t.close());

  it('should record a chargeback opened, documented and won, with its events, and show it on the payment', async () => {
    const payment = await pay(t);
    expect(payment.status).toBe('approved');
    const chargeback = await openChargeback(t, payment.mercadopago_id, { reason: 'fraud' });

    const opened = await disputeIn(t, chargeback.id, 'open');
    expect(opened).toMatchObject({
      mercadopago_id: chargeback.id,
      credential_id: credentialId,
      payment_id: payment.id,
      payment_mercadopago_id: payment.mercadopago_id,
      documentation_status: 'pending',
      amount: 100,
      currency_id: 'BRL',
      reason: 'fraud',
      documentation_required: true,
      coverage_applied: null,
      coverage_eligible: true,
      date_resolved: null,
    });
    expect(Date.parse(opened.documentation_deadline)).toBe(
      Date.parse(chargeback.date_documentation_deadline),
    );
    const shown = await eventually('the payment charged back', async () => {
      const current = await getPayment(t, payment.id);
      return current.status === 'charged_back' && current;
    });
    expect(shown.status_detail).toBe('in_process');
    expect(shown.disputes).toEqual([
      {
        id: opened.id,
        status: 'open',
        amount: 100,
        documentation_deadline: opened.documentation_deadline,
      },
    ]);
    // Lists and events show payments without their disputes.
    const listed = await t.http().get('/v1/payments').set(bearer(t.adminToken)).expect(200);
    expect(listed.body.data.find((p: Json) => p.id === payment.id)).not.toHaveProperty('disputes');

    await moveChargeback(t, chargeback.id, { documentation_status: 'review_pending' });
    const reviewed = await disputeIn(t, chargeback.id, 'in_review');
    expect(reviewed.documentation_status).toBe('review_pending');

    await moveChargeback(t, chargeback.id, { coverage_applied: true });
    const won = await disputeIn(t, chargeback.id, 'won');
    expect(won.coverage_applied).toBe(true);
    expect(won.date_resolved).not.toBeNull();
    // Covered: Mercado Pago gives the money back and the payment stays charged_back, reimbursed.
    const reimbursed = await eventually('the payment reimbursed', async () => {
      const current = await getPayment(t, payment.id);
      return current.status_detail === 'reimbursed' && current;
    });
    expect(reimbursed.status).toBe('charged_back');
    expect(reimbursed.disputes).toEqual([expect.objectContaining({ id: won.id, status: 'won' })]);

    const events = await eventually('the three dispute events', async () => {
      const found = await eventsOf(t, opened.id);
      return found.length >= 3 && found;
    });
    expect(events.map((e) => [e.type, e.data.status])).toEqual([
      ['dispute.opened', 'open'],
      ['dispute.updated', 'in_review'],
      ['dispute.closed', 'won'],
    ]);
    const one = await t.http().get(`/v1/disputes/${won.id}`).set(bearer(t.adminToken)).expect(200);
    expect(one.body).toEqual(won);
    expect(events[2].data).toEqual(won);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^disputes_opened_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^disputes\{status="won"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^disputes\{status="in_review"\} \d+$/m);
  });

  it('should record a chargeback lost: the money stays with the card holder (charged_back, settled)', async () => {
    const payment = await pay(t);
    const chargeback = await openChargeback(t, payment.mercadopago_id, { amount: 40 });
    await disputeIn(t, chargeback.id, 'open');
    await moveChargeback(t, chargeback.id, { documentation_status: 'not_supplied' });
    await disputeIn(t, chargeback.id, 'in_review');
    await moveChargeback(t, chargeback.id, { coverage_applied: false });

    const lost = await disputeIn(t, chargeback.id, 'lost');
    expect(lost).toMatchObject({
      amount: 40,
      coverage_applied: false,
      documentation_status: 'not_supplied',
    });
    const settled = await eventually('the payment settled', async () => {
      const current = await getPayment(t, payment.id);
      return current.status_detail === 'settled' && current;
    });
    expect(settled.status).toBe('charged_back');
    const closed = await eventually('dispute.closed', async () => {
      const found = (await eventsOf(t, lost.id)).filter((e) => e.type === 'dispute.closed');
      return found.length > 0 && found;
    });
    expect(closed).toHaveLength(1);
    expect(closed[0].data.status).toBe('lost');
  });

  it('should write nothing when a re-read changes nothing', async () => {
    const payment = await pay(t);
    const chargeback = await openChargeback(t, payment.mercadopago_id);
    const dispute = await disputeIn(t, chargeback.id, 'open');
    await notificationsSettled(t, chargeback.id);
    const before = await eventsOf(t, dispute.id);

    // Mercado Pago sends the same notification again (a retry, a duplicate).
    await notifyChargeback(t, credentialId, chargeback.id).expect(200);
    const rows = await eventually('the duplicate read', async () => {
      const found = await notificationsSettled(t, chargeback.id);
      return found.reduce((sum, r) => sum + r.received_count, 0) >= 2 && found;
    });
    expect(rows.every((r) => r.status === 'done' && r.topic === 'chargebacks')).toBe(true);
    expect(rows[0].payment_id).toBe(payment.id);
    expect(await eventsOf(t, dispute.id)).toEqual(before);
    const again = await t
      .http()
      .get(`/v1/disputes/${dispute.id}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(again.body).toEqual(dispute);
  });

  it('should not apply a chargeback in a documentation_status Mercado Pago does not document, and not fail the API', async () => {
    const payment = await pay(t);
    const chargeback = await openChargeback(t, payment.mercadopago_id);
    const dispute = await disputeIn(t, chargeback.id, 'open');
    await notificationsSettled(t, chargeback.id);

    await moveChargeback(t, chargeback.id, {
      documentation_status: 'under_arbitration',
      force: true,
    });
    const dead = await eventually('the unreadable chargeback given up', async () => {
      const rows = await listNotifications(t, { resource_id: chargeback.id, status: 'dead' });
      return rows[0];
    });
    expect(dead.last_error).toContain('GATEWAY_UNAVAILABLE');
    expect(dead.last_error).toContain('documentation_status "under_arbitration"');
    expect(dead.attempts).toBe(3);
    const held = await t
      .http()
      .get(`/v1/disputes/${dispute.id}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(held.body).toEqual(dispute);
  });

  it('should adopt the payment of a chargeback on a payment made elsewhere (the panel)', async () => {
    // Made at Mercado Pago directly, without our notification_url: we never heard of it.
    const elsewhere = await payAtMercadoPago(
      t,
      paymentBody(await cardToken(t), { transaction_amount: 55.5 }),
    );
    const chargeback = await openChargeback(t, elsewhere.id);
    await notifyChargeback(t, credentialId, chargeback.id).expect(200);

    const dispute = await disputeIn(t, chargeback.id, 'open');
    expect(dispute).toMatchObject({ amount: 55.5, payment_mercadopago_id: elsewhere.id });
    const adopted = await getPayment(t, dispute.payment_id);
    expect(adopted).toMatchObject({
      mercadopago_id: elsewhere.id,
      status: 'charged_back',
      status_detail: 'in_process',
      transaction_amount: 55.5,
    });
    expect(adopted.disputes).toEqual([expect.objectContaining({ id: dispute.id, status: 'open' })]);
  });

  it('should take the topic as Mercado Pago names it in its example body (topic_chargebacks_wh)', async () => {
    const payment = await pay(t);
    const chargeback = await openChargeback(t, payment.mercadopago_id);
    await disputeIn(t, chargeback.id, 'open');
    const res = await notifyChargeback(
      t,
      credentialId,
      chargeback.id,
      'topic_chargebacks_wh',
    ).expect(200);
    expect(res.body).toEqual({ status: 'accepted' });
    const rows = await notificationsSettled(t, chargeback.id);
    expect(rows.every((r) => r.topic === 'chargebacks')).toBe(true);
  });

  it('should refuse a chargeback notification with a bad signature and store nothing', async () => {
    const chargebackId = '233000000000000001';
    const res = await postWebhook(
      t,
      credentialId,
      chargebackId,
      signedHeaders(chargebackId, { secret: 'not-the-secret' }),
      'chargebacks',
    ).expect(401);
    expect(res.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await listNotifications(t, { resource_id: chargebackId })).toEqual([]);
    expect((await listDisputes(t)).data.some((d) => d.mercadopago_id === chargebackId)).toBe(false);
  });

  it('should filter by status, deadline and credentials, and page with a cursor', async () => {
    const payments = await Promise.all([pay(t), pay(t), pay(t)]);
    const [a, b, c] = await Promise.all(
      payments.map((p, i) =>
        openChargeback(t, p.mercadopago_id, i === 2 ? { documentation_required: false } : {}),
      ),
    );
    await disputeIn(t, a.id, 'open');
    await disputeIn(t, b.id, 'open');
    await disputeIn(t, c.id, 'in_review');
    await moveChargeback(t, b.id, { coverage_applied: true });
    await disputeIn(t, b.id, 'won');

    const all = (await listDisputes(t)).data;
    const won = (await listDisputes(t, { status: 'won' })).data;
    expect(won.length).toBeGreaterThan(0);
    expect(won.every((d) => d.status === 'won')).toBe(true);
    expect(won.map((d) => d.mercadopago_id)).toContain(b.id);
    expect(won).toEqual(all.filter((d) => d.status === 'won'));

    // Opened now with Mercado Pago's 10 days: due within 11 days, not within 5.
    const day = 86_400_000;
    const soon = (
      await listDisputes(t, { deadline_before: new Date(Date.now() + 5 * day).toISOString() })
    ).data;
    expect(soon.map((d) => d.mercadopago_id)).not.toContain(a.id);
    const due = (
      await listDisputes(t, { deadline_before: new Date(Date.now() + 11 * day).toISOString() })
    ).data;
    expect(due.map((d) => d.mercadopago_id)).toEqual(expect.arrayContaining([a.id, b.id]));
    // No documentation asked, no deadline.
    expect(due.map((d) => d.mercadopago_id)).not.toContain(c.id);
    expect(due.every((d) => Date.parse(d.documentation_deadline) < Date.now() + 11 * day)).toBe(
      true,
    );

    expect((await listDisputes(t, { credential_id: credentialId })).data).toEqual(all);
    expect((await listDisputes(t, { credential_id: randomUUID() })).data).toEqual([]);

    const paged: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Json[]; next_cursor: string | null } = await listDisputes(
        t,
        cursor ? { limit: '2', cursor } : { limit: '2' },
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      paged.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
  });

  it('should answer bad filters and unknown ids with the contract’s errors', async () => {
    const bad = await t
      .http()
      .get('/v1/disputes?status=settled')
      .set(bearer(t.adminToken))
      .expect(400);
    expect(bad.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
    await t
      .http()
      .get('/v1/disputes?deadline_before=tomorrow')
      .set(bearer(t.adminToken))
      .expect(400);
    await t.http().get('/v1/disputes?cursor=nope').set(bearer(t.adminToken)).expect(400);
    await t.http().get('/v1/disputes?limit=0').set(bearer(t.adminToken)).expect(400);
    await t.http().get('/v1/disputes/not-a-uuid').set(bearer(t.adminToken)).expect(400);
    const missing = await t
      .http()
      .get(`/v1/disputes/${randomUUID()}`)
      .set(bearer(t.adminToken))
      .expect(404);
    expect(missing.body.error.code).toBe('DISPUTE_NOT_FOUND');
  });

  it("should show a token limited to some credentials only those credentials' disputes", async () => {
    const { id: ownId, account } = await createCredentials(t, 'disputes-own', { site_id: 'MLB' });
    const limited = (await createToken(t, ['payments:read', 'payments:write'], [ownId])).token;
    const card = await cardToken(t, 'APRO', undefined, account.public_key);
    const own = (
      await postPayment(t, paymentBody(card, { credential_id: ownId }), undefined, limited).expect(
        201,
      )
    ).body;
    const foreign = await pay(t);
    const [ownCase, foreignCase] = await Promise.all([
      openChargeback(t, own.mercadopago_id),
      openChargeback(t, foreign.mercadopago_id),
    ]);
    const mine = await disputeIn(t, ownCase.id, 'open');
    const theirs = await disputeIn(t, foreignCase.id, 'open');
    expect(mine.credential_id).toBe(ownId);

    expect((await listDisputes(t, {}, limited)).data).toEqual([mine]);
    await t.http().get(`/v1/disputes/${mine.id}`).set(bearer(limited)).expect(200);
    const hidden = await t.http().get(`/v1/disputes/${theirs.id}`).set(bearer(limited)).expect(404);
    expect(hidden.body.error.code).toBe('DISPUTE_NOT_FOUND');
    const byOther = await listDisputes(t, { credential_id: credentialId }, limited);
    expect(byOther.data).toEqual([]);
  });
});
