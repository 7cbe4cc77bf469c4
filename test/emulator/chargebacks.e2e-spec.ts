import { Chargeback, MPNotFoundError, Payment, WebhookSignatureValidator } from 'mercadopago';
import { EMULATOR_DEFAULT_WEBHOOK_SECRET, type RunningEmulator } from '../../emulator';
import {
  AnyJson,
  Receiver,
  call,
  mp,
  pay,
  startTestEmulator,
  type ReceivedRequest,
} from './emulator.helper';

describe('chargebacks: opened and moved through the control API, read through the SDK', () => {
  let emulator: RunningEmulator;
  const receiver = new Receiver();
  const otherSeller = 'TEST-0000000000000002-010100-00000000000000000000000000000002-1000000002';

  beforeAll(async () => {
    await receiver.start();
    emulator = await startTestEmulator();
    await call(emulator, 'POST', '/__emulator/accounts', {
      access_token: otherSeller,
      public_key: 'TEST-00000000-0000-4000-8000-000000000002',
    });
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  const open = (paymentId: number, body: object = {}) =>
    call(emulator, 'POST', `/__emulator/payments/${paymentId}/chargebacks`, body);
  const move = (id: string, body: object) =>
    call(emulator, 'POST', `/__emulator/chargebacks/${id}/transition`, body);
  // The SDK's ChargebackResponse type lists fields the reference does not document, not these.
  const read = async (id: string, token?: string): Promise<AnyJson> =>
    new Chargeback(mp(token)).get({ id });
  const payment = async (id: number) => new Payment(mp()).get({ id });

  /** The deliveries about `dataId` under `type`, once `count` arrived. */
  async function delivered(dataId: string, type: string, count: number) {
    for (;;) {
      const mine = receiver.received.filter(
        (r) =>
          r.url.searchParams.get('data.id') === dataId && r.url.searchParams.get('type') === type,
      );
      if (mine.length >= count) return mine;
      await receiver.waitFor(receiver.received.length + 1);
    }
  }

  const verify = (request: ReceivedRequest) =>
    WebhookSignatureValidator.validate({
      xSignature: request.headers['x-signature'],
      xRequestId: request.headers['x-request-id'],
      dataId: request.url.searchParams.get('data.id') ?? undefined,
      secret: EMULATOR_DEFAULT_WEBHOOK_SECRET,
    });

  const approved = async (amount = 100) =>
    (await pay('APRO', { transaction_amount: amount, notification_url: receiver.url }))
      .id as number;

  it('should open a chargeback on an approved payment, charge the payment back and notify both topics', async () => {
    const paymentId = await approved(80);
    const opened = await open(paymentId, { reason: 'general' });
    expect(opened.status).toBe(201);
    const chargeback: AnyJson = opened.body;
    expect(chargeback).toEqual({
      id: expect.stringMatching(/^\d{18}$/),
      payments: [paymentId],
      currency: 'BRL',
      amount: 80,
      reason: 'general',
      coverage_applied: null,
      coverage_elegible: true,
      documentation_required: true,
      documentation_status: 'pending',
      documentation: [],
      date_documentation_deadline: expect.stringMatching(/-04:00$/),
      date_created: expect.stringMatching(/-04:00$/),
      date_last_updated: chargeback.date_created,
      live_mode: false,
    });
    const days =
      (Date.parse(chargeback.date_documentation_deadline) - Date.parse(chargeback.date_created)) /
      86_400_000;
    expect(days).toBe(10);
    expect(await read(chargeback.id)).toMatchObject(chargeback);
    expect(await payment(paymentId)).toMatchObject({
      status: 'charged_back',
      status_detail: 'in_process',
    });

    const [notice] = await delivered(chargeback.id, 'chargebacks', 1);
    expect(() => verify(notice)).not.toThrow();
    expect(notice.body).toMatchObject({
      actions: ['changed_case_status'],
      type: 'topic_chargebacks_wh',
      data: { id: chargeback.id, payment_id: paymentId, site_id: 'MLB' },
    });
    const [paymentNotice] = await delivered(String(paymentId), 'payment', 2);
    expect(paymentNotice.body.action).toBe('payment.created');
  });

  it('should move documentation and the decision, each change notified with a later date_last_updated', async () => {
    const paymentId = await approved();
    const { body: chargeback } = await open(paymentId);

    const documented = await move(chargeback.id, { documentation_status: 'review_pending' });
    expect(documented.status).toBe(200);
    expect(documented.body.documentation).toHaveLength(1);
    expect(Date.parse(documented.body.date_last_updated)).toBeGreaterThan(
      Date.parse(chargeback.date_last_updated),
    );
    const won = await move(chargeback.id, {
      documentation_status: 'valid',
      coverage_applied: true,
    });
    expect(won.body).toMatchObject({ documentation_status: 'valid', coverage_applied: true });
    expect(await payment(paymentId)).toMatchObject({
      status: 'charged_back',
      status_detail: 'reimbursed',
    });
    await delivered(chargeback.id, 'chargebacks', 3);

    const again = await move(chargeback.id, { coverage_applied: false });
    expect(again.status).toBe(409);
    expect((await read(chargeback.id)).coverage_applied).toBe(true);
  });

  it('should settle the payment when the seller loses, and take no documentation when none is required', async () => {
    const paymentId = await approved();
    const { body: chargeback } = await open(paymentId, {
      documentation_required: false,
      amount: 25.5,
    });
    expect(chargeback).toMatchObject({
      amount: 25.5,
      documentation_required: false,
      documentation_status: 'not_applicable',
      date_documentation_deadline: null,
    });
    await move(chargeback.id, { coverage_applied: false });
    expect(await payment(paymentId)).toMatchObject({
      status: 'charged_back',
      status_detail: 'settled',
    });
  });

  it('should refuse what Mercado Pago would not do, unless forced', async () => {
    const paymentId = await approved(50);
    expect((await open(paymentId, { amount: 50.01 })).status).toBe(400);
    expect((await open(paymentId, { amount: '10' })).status).toBe(400);
    expect((await open(999)).status).toBe(404);
    const { body: chargeback } = await open(paymentId);
    // Charged back already: not approved any more.
    expect((await open(paymentId)).status).toBe(409);

    expect((await move(chargeback.id, { documentation_status: 'lost_in_mail' })).status).toBe(400);
    expect((await move(chargeback.id, { coverage_applied: 'yes' })).status).toBe(400);
    expect((await move(chargeback.id, {})).status).toBe(400);
    expect((await move('1', { coverage_applied: true })).status).toBe(404);
    const forced = await move(chargeback.id, { documentation_status: 'lost_in_mail', force: true });
    expect(forced.status).toBe(200);
    expect((await read(chargeback.id)).documentation_status).toBe('lost_in_mail');

    const rejected = await pay('OTHE', { notification_url: receiver.url });
    expect(rejected.status).toBe('rejected');
    expect((await open(rejected.id as number)).status).toBe(409);
  });

  it("should answer 404 to another seller's token and to an unknown id", async () => {
    const { body: chargeback } = await open(await approved());
    await expect(read(chargeback.id, otherSeller)).rejects.toBeInstanceOf(MPNotFoundError);
    await expect(read('233000000000000000')).rejects.toBeInstanceOf(MPNotFoundError);
  });
});
