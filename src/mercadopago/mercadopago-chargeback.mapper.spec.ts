import { toGatewayChargeback } from './mercadopago-chargeback.mapper';
import { UnexpectedGatewayResponse } from './mercadopago-payment.mapper';

/** The response example of Mercado Pago's "Manage chargebacks" page, with a deadline. */
const documented = {
  id: '234000062890459000',
  payments: [86439942806],
  currency: 'ARS',
  amount: 1000.5,
  reason: 'general',
  coverage_applied: null,
  coverage_elegible: true,
  documentation_required: true,
  documentation_status: 'pending',
  documentation: [],
  date_documentation_deadline: '2024-10-27T12:48:24.000-04:00',
  date_created: null,
  date_last_updated: '2024-10-17T12:48:24.000-04:00',
  live_mode: true,
};

describe("Mercado Pago's chargeback, read field by field", () => {
  it('should read the documented example into minor units and dates', () => {
    expect(toGatewayChargeback(documented)).toEqual({
      id: '234000062890459000',
      paymentIds: [86439942806],
      currencyId: 'ARS',
      amount: 100050,
      reason: 'general',
      coverageApplied: null,
      coverageEligible: true,
      documentationRequired: true,
      documentationStatus: 'pending',
      documentationDeadline: new Date('2024-10-27T16:48:24.000Z'),
      dateCreated: null,
      dateLastUpdated: new Date('2024-10-17T16:48:24.000Z'),
      liveMode: true,
    });
  });

  it('should take the guides’ spelling coverage_eligible too', () => {
    const guides: Record<string, unknown> = { ...documented, coverage_eligible: false };
    delete guides.coverage_elegible;
    expect(toGatewayChargeback(guides).coverageEligible).toBe(false);
  });

  it.each([
    ['an undocumented documentation_status', { documentation_status: 'in_arbitration' }],
    ['no documentation_status', { documentation_status: undefined }],
    ['coverage_applied that is not a boolean', { coverage_applied: 'yes' }],
    ['no payments', { payments: [] }],
    ['a payment id that is not a number', { payments: ['86439942806'] }],
    ['no currency', { currency: undefined }],
    ['a currency we cannot count in', { currency: 'XXX' }],
    ['more decimals than the currency has', { amount: 10.005 }],
    ['an amount that is not a number', { amount: '1000.50' }],
    ['an unreadable date', { date_last_updated: 'yesterday' }],
    ['no live_mode', { live_mode: undefined }],
    ['an id that is not an id', { id: 'a b' }],
  ])('should refuse %s rather than guess', (_what, change) => {
    expect(() => toGatewayChargeback({ ...documented, ...change })).toThrow(
      UnexpectedGatewayResponse,
    );
  });
});
