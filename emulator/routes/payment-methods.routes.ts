import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/auth.util';
import { badRequest } from '../common/mp-error.util';
import { fromMinor, toMinor } from '../common/money.util';
import {
  PAYMENT_METHODS,
  paymentMethodById,
  paymentMethodForCard,
  renderPaymentMethod,
  thumbnails,
  type PaymentMethodDef,
} from '../data/payment-methods.data';
import { SITES, isSiteId, type SiteId } from '../data/sites.data';
import type { EmulatorContext } from '../emulator.context';

type Query = { Querystring: Record<string, string | undefined> };

function renderWithIssuer(method: PaymentMethodDef): Record<string, unknown> {
  return { ...renderPaymentMethod(method), issuer: method.issuer };
}

/**
 * The plans offered on a credit card: 1 and 3 without interest (Amex: only 1), 6 and 12 with a
 * rate in basis points. Argentina must show the financial cost (CFT/TEA) to the buyer: its labels
 * are fixed figures for each plan, plausible, not computed from the rate as a bank would.
 */
const PLANS: { installments: number; rateBp: number; amexRateBp: number; mla: string }[] = [
  { installments: 1, rateBp: 0, amexRateBp: 0, mla: '' },
  { installments: 3, rateBp: 0, amexRateBp: 850, mla: 'CFT_71,04%|TEA_56,71%' },
  { installments: 6, rateBp: 1425, amexRateBp: 1690, mla: 'CFT_69,72%|TEA_55,39%' },
  { installments: 12, rateBp: 3210, amexRateBp: 3540, mla: 'CFT_78,05%|TEA_61,23%' },
];
const INTEREST_FREE_MLA = 'CFT_0,00%|TEA_0,00%';

function payerCosts(site: SiteId, method: PaymentMethodDef, amountMinor: number): unknown[] {
  const { decimals, currency } = SITES[site];
  const word = site === 'MLB' ? 'parcelas' : 'cuotas';
  return PLANS.filter((plan) => plan.installments <= method.maxInstallments).map((plan) => {
    const { installments } = plan;
    const rateBp = method.id === 'amex' ? plan.amexRateBp : plan.rateBp;
    const totalMinor = Math.round((amountMinor * (10_000 + rateBp)) / 10_000);
    const total = fromMinor(totalMinor, decimals);
    const each = fromMinor(Math.round(totalMinor / installments), decimals);
    const labels = [
      ...(site === 'MLA' ? [rateBp === 0 ? INTEREST_FREE_MLA : plan.mla] : []),
      ...(installments === 1 ? ['recommended_installment'] : []),
    ];
    return {
      installments,
      installment_rate: rateBp / 100,
      discount_rate: 0,
      reimbursement_rate: null,
      labels,
      installment_rate_collector: ['MERCADOPAGO'],
      min_allowed_amount: method.minAllowedAmount,
      max_allowed_amount: 1_000_000,
      recommended_message: `${installments} ${word} de ${currency} ${each} (${currency} ${total})`,
      installment_amount: each,
      total_amount: total,
      payment_method_option_id: `${method.id}-${installments}`,
    };
  });
}

export function registerPaymentMethodRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/v1/payment_methods', (request) => {
    const account = authenticate(ctx.accounts, request, true);
    return PAYMENT_METHODS[account.site_id].map(renderPaymentMethod);
  });

  app.get<Query>('/v1/payment_methods/search', (request) => {
    const account = authenticate(ctx.accounts, request, true);
    const { bins, site_id: siteParam, id } = request.query;
    const site = isSiteId(siteParam) ? siteParam : account.site_id;
    let methods = PAYMENT_METHODS[site];
    if (bins) {
      const bin = bins.split(',')[0]?.trim() ?? '';
      const found = /^\d{6,8}$/.test(bin) ? paymentMethodForCard(site, bin) : null;
      methods = found ? [found] : [];
    }
    if (id) methods = methods.filter((m) => m.id === id);
    const results = methods.map(renderWithIssuer);
    return { paging: { total: results.length, limit: 30, offset: 0 }, results };
  });

  app.get<Query>('/v1/payment_methods/installments', (request) => {
    const account = authenticate(ctx.accounts, request, true);
    const { amount, bin, payment_method_id: methodId } = request.query;
    const site = account.site_id;
    const amountMinor = amount === undefined ? null : toMinor(Number(amount), SITES[site].decimals);
    if (amountMinor === null || amountMinor <= 0) throw badRequest(1, 'amount is required');
    if (!bin && !methodId) throw badRequest(1, 'the payment_method_id or bin are required');
    const method = bin ? paymentMethodForCard(site, bin) : paymentMethodById(site, methodId ?? '');
    if (!method || (methodId && method.id !== methodId)) return [];
    return [
      {
        payment_method_id: method.id,
        payment_type_id: method.payment_type_id,
        issuer: {
          ...method.issuer,
          ...thumbnails(method.id),
        },
        processing_mode: 'aggregator',
        merchant_account_id: null,
        payer_costs: payerCosts(site, method, amountMinor),
        agreements: null,
      },
    ];
  });

  app.get('/v1/identification_types', (request) => {
    const account = authenticate(ctx.accounts, request, true);
    return SITES[account.site_id].identificationTypes;
  });

  app.get('/users/me', (request) => {
    const account = authenticate(ctx.accounts, request);
    // Test users get Mercado Pago's marks (tag, nickname, email); other sellers none of them.
    const test = account.test_user;
    return {
      id: account.user_id,
      nickname: test ? `TESTUSER${account.user_id}` : `SELLER${account.user_id}`,
      registration_date: '2024-01-01T00:00:00.000-04:00',
      first_name: 'Emulator',
      last_name: 'Seller',
      country_id: SITES[account.site_id].country,
      email: test
        ? `test_user_${account.user_id}@testuser.com`
        : `seller_${account.user_id}@example.com`,
      identification: { type: null, number: null },
      site_id: account.site_id,
      permalink: null,
      user_type: 'normal',
      tags: test ? ['normal', 'test_user'] : ['normal'],
      status: { site_status: 'active' },
    };
  });
}
