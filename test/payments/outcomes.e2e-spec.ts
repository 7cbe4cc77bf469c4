import { TestApp, bearer, startTestApp } from '../support/test-app';
import { Json, pay } from '../support/payments';

describe('Charging a card: every test-card outcome, with what the buyer is told', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('should approve APRO and tell the buyer the amount and statement descriptor', async () => {
    const payment = await pay(t, 'APRO', {
      transaction_amount: '150.75',
      statement_descriptor: 'MYSTORE',
      external_reference: 'order-1',
      description: 'Order #1',
      metadata: { order_id: 1, gift: false },
    });
    expect(payment).toMatchObject({
      status: 'approved',
      status_detail: 'accredited',
      transaction_amount: 150.75,
      currency_id: 'BRL',
      amount_refunded: 0,
      installments: 1,
      payment_method_id: 'master',
      payment_type_id: 'credit_card',
      captured: true,
      external_reference: 'order-1',
      description: 'Order #1',
      metadata: { order_id: 1, gift: false },
      payer: { email: 'test@testuser.com' },
      card: { first_six_digits: '503143', last_four_digits: '6351' },
      live_mode: false,
    });
    expect(typeof payment.mercadopago_id).toBe('number');
    expect(typeof payment.issuer_id).toBe('string');
    expect(payment.buyer_message.pt).toBe(
      'Pronto! Seu pagamento foi aprovado. Na fatura você verá a cobrança de R$\u00a0150,75 como MYSTORE.',
    );
    expect(payment.buyer_message.en).toContain('R$150.75');
    expect(payment.buyer_message.es).toContain('MYSTORE');

    const read = await t.http().get(`/v1/payments/${payment.id}`).set(bearer(t.adminToken));
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ...payment, disputes: [] });
  });

  it.each([
    ['CONT', 'in_process', 'pending_contingency', 'Estamos procesando tu pago'],
    ['OTHE', 'rejected', 'cc_rejected_other_reason', 'Mastercard no procesó el pago.'],
    [
      'CALL',
      'rejected',
      'cc_rejected_call_for_authorize',
      'Debes autorizar ante Mastercard el pago de R$',
    ],
    [
      'FUND',
      'rejected',
      'cc_rejected_insufficient_amount',
      'Tu Mastercard no tiene fondos suficientes.',
    ],
    ['SECU', 'rejected', 'cc_rejected_bad_filled_security_code', 'Revisa el código de seguridad'],
    ['EXPI', 'rejected', 'cc_rejected_bad_filled_date', 'Revisa la fecha de vencimiento.'],
    ['FORM', 'rejected', 'cc_rejected_bad_filled_other', 'Revisa los datos.'],
    ['CARD', 'rejected', 'cc_rejected_bad_filled_card_number', 'Revisa el número de tarjeta.'],
    [
      'INST',
      'rejected',
      'cc_rejected_invalid_installments',
      'Mastercard no procesa pagos en 3 cuotas.',
    ],
    ['DUPL', 'rejected', 'cc_rejected_duplicated_payment', 'Ya hiciste un pago por ese valor'],
    ['LOCK', 'rejected', 'cc_rejected_card_disabled', 'Llama a Mastercard para activar tu tarjeta'],
    ['CTNA', 'rejected', 'cc_rejected_card_type_not_allowed', 'función de crédito'],
    ['ATTE', 'rejected', 'cc_rejected_max_attempts', 'límite de intentos'],
    ['BLAC', 'rejected', 'cc_rejected_blacklist', 'No pudimos procesar tu pago.'],
  ])(
    'should answer %s with 201 %s/%s and a buyer message',
    async (cardholder, status, detail, spanish) => {
      const payment: Json = await pay(t, cardholder, { installments: 3 });
      expect(payment).toMatchObject({ status, status_detail: detail });
      expect(payment.buyer_message.es).toContain(spanish);
      expect(payment.buyer_message.pt.length).toBeGreaterThan(5);
      expect(payment.buyer_message.en.length).toBeGreaterThan(5);
      expect(payment.buyer_message.en).not.toMatch(/\{\w+\}/);
    },
  );

  it('should authorize without capturing when capture is false', async () => {
    const payment = await pay(t, 'APRO', { capture: false });
    expect(payment).toMatchObject({
      status: 'authorized',
      status_detail: 'pending_capture',
      captured: false,
    });
    expect(payment.buyer_message.en).toContain('authorized');
  });

  it('should never leave a binary_mode payment in process', async () => {
    const payment = await pay(t, 'CONT', { binary_mode: true });
    expect(['approved', 'rejected']).toContain(payment.status);
  });
});
