import type { PaymentResponse } from 'mercadopago/dist/clients/payment/commonTypes';
import { UnexpectedGatewayResponse, toGatewayPayment } from './mercadopago-payment.mapper';

/** The settlement part of Mercado Pago's published approved payment (BRL, 58.80, fee 2.64). */
const approved = (): PaymentResponse => ({
  api_response: { status: 200, headers: [] as never },
  id: 20359978,
  status: 'approved',
  status_detail: 'accredited',
  currency_id: 'BRL',
  captured: true,
  live_mode: false,
  installments: 1,
  payment_method_id: 'visa',
  transaction_amount: 58.8,
  transaction_amount_refunded: 0,
  date_approved: '2019-07-10T10:47:58.000-04:00',
  date_last_updated: '2019-07-10T10:47:58.000-04:00',
  money_release_date: '2019-07-24T10:47:58.000-04:00',
  money_release_status: 'pending',
  transaction_details: {
    net_received_amount: 56.16,
    total_paid_amount: 58.8,
    overpaid_amount: 0,
    installment_amount: 58.8,
  },
  fee_details: [{ type: 'mercadopago_fee', amount: 2.64, fee_payer: 'collector' }],
  refunds: [],
});

describe('Mercado Pago payment mapping: settlement', () => {
  it('should read fees, net and release in minor units', () => {
    expect(toGatewayPayment(approved())).toMatchObject({
      feeDetails: [{ type: 'mercadopago_fee', amount: 264, feePayer: 'collector' }],
      netReceivedAmount: 5616,
      totalPaidAmount: 5880,
      installmentAmount: 5880,
      overpaidAmount: 0,
      moneyReleaseDate: new Date('2019-07-24T14:47:58.000Z'),
      moneyReleaseStatus: 'pending',
    });
  });

  it('should leave what Mercado Pago does not say as null', () => {
    const response = approved();
    delete response.fee_details;
    delete response.transaction_details;
    delete response.money_release_date;
    delete response.money_release_status;
    expect(toGatewayPayment(response)).toMatchObject({
      feeDetails: null,
      netReceivedAmount: null,
      totalPaidAmount: null,
      installmentAmount: null,
      overpaidAmount: null,
      moneyReleaseDate: null,
      moneyReleaseStatus: null,
    });
  });

  it.each([
    ['a fee type', { fee_details: [{ type: 'tip_fee', amount: 1, fee_payer: 'collector' }] }],
    ['a fee payer', { fee_details: [{ type: 'mercadopago_fee', amount: 1, fee_payer: 'bank' }] }],
    [
      'a fee amount',
      { fee_details: [{ type: 'mercadopago_fee', amount: -1, fee_payer: 'payer' }] },
    ],
    ['a money_release_status', { money_release_status: 'frozen' }],
    ['a net amount', { transaction_details: { net_received_amount: '56.16' } }],
  ])('should refuse %s it cannot read rather than guess', (_what, change) => {
    expect(() => toGatewayPayment({ ...approved(), ...change } as PaymentResponse)).toThrow(
      UnexpectedGatewayResponse,
    );
  });
});
