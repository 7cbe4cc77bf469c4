import { createToken } from '../auth/auth.helper';
import { Account, createCredentials, webhookSecret } from '../credentials/credentials.helper';
import { Json, emulator } from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { defaultCredentialId } from '../webhooks/webhooks.helper';

/** Test cards of mercadopago-api.md §4: their first digits as a front end sends them. */
const MLA_MASTER = '503175';
const MLA_VISA = '45099535';
const MLA_AMEX = '371180';
const MLA_DEBIT_MASTER = '528733';
const MLB_MASTER = '503143';
const MLB_ELO_DEBIT = '506776';

/** The GET calls Mercado Pago received on `path` with these credentials' access token. */
async function asked(t: TestApp, path: string, account: Account): Promise<number> {
  const log = await emulator(t, 'GET', `/__emulator/requests?method=GET&path=${path}`);
  return (log.body as Json[]).filter(
    (r) => r.headers.authorization === `Bearer ${account.access_token}`,
  ).length;
}

describe('Front-end lookups per credentials', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let defaultId: string;
  let argentina: { id: string; account: Account };

  beforeAll(async () => {
    t = await startTestApp();
    admin = bearer(t.adminToken);
    defaultId = await defaultCredentialId(t);
    argentina = await createCredentials(t, 'argentina', { site_id: 'MLA' });
  });
  afterAll(() => t.close());

  const get = (path: string, token = t.adminToken) =>
    t.http().get(`/v1/credentials/${path}`).set(bearer(token));

  const callsAtMercadoPago = (path: string, account: Account) => asked(t, path, account);

  async function fault(body: Record<string, unknown>): Promise<void> {
    expect((await emulator(t, 'POST', '/__emulator/faults', body)).status).toBe(201);
  }

  it('should answer the parameter examples of /docs as shown', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const routes = Object.keys(doc.paths).filter((p) =>
      /^\/v1\/credentials\/\{id\}\/(payment-methods|identification-types|installments|card-bins)/.test(
        p,
      ),
    );
    expect(routes).toHaveLength(4);
    for (const route of routes) {
      const params = doc.paths[route].get.parameters as Json[];
      let url = route;
      const query: Record<string, string> = {};
      for (const param of params) {
        if (param.in === 'path') url = url.replace(`{${param.name}}`, param.schema.example);
        else query[param.name] = param.schema.example;
      }
      const res = await t.http().get(url).query(query).set(admin);
      expect([route, res.status]).toEqual([route, 200]);
    }
  });

  describe('payment methods', () => {
    it("should list the default credentials' methods with their card rules, by `default` and by id", async () => {
      const byDefault = await get('default/payment-methods').expect(200);
      expect(byDefault.body).toMatchObject({ credential_id: defaultId, site_id: 'MLB' });
      const methods = byDefault.body.data as Json[];
      expect(methods.map((m) => m.id)).toEqual(
        expect.arrayContaining(['master', 'visa', 'amex', 'elo', 'debelo']),
      );
      expect(methods.find((m) => m.id === 'amex')).toEqual({
        id: 'amex',
        name: 'American Express',
        payment_type_id: 'credit_card',
        status: 'active',
        thumbnail: expect.any(String),
        secure_thumbnail: expect.stringMatching(/^https:/),
        deferred_capture: 'supported',
        settings: [
          {
            bin: { pattern: '^3[47]', exclusion_pattern: null, installments_pattern: '^3[47]' },
            card_number: { length: 15, validation: 'standard' },
            security_code: { length: 4, card_location: 'front', mode: 'mandatory' },
          },
        ],
        additional_info_needed: expect.arrayContaining(['cardholder_identification_number']),
        min_allowed_amount: 0.5,
        max_allowed_amount: 1000000,
        accreditation_time: 2880,
        processing_modes: ['aggregator'],
      });

      const byId = await get(`${defaultId}/payment-methods`).expect(200);
      expect(byId.body).toEqual(byDefault.body);
    });

    it("should list another site's methods through its credentials", async () => {
      const res = await get(`${argentina.id}/payment-methods`).expect(200);
      expect(res.body).toMatchObject({ credential_id: argentina.id, site_id: 'MLA' });
      const ids = (res.body.data as Json[]).map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['master', 'visa', 'amex', 'debmaster']));
      expect(ids).not.toContain('elo');
    });
  });

  describe('identification types', () => {
    it("should list the documents of each credentials' site", async () => {
      const brazil = await get('default/identification-types').expect(200);
      expect(brazil.body).toEqual({
        credential_id: defaultId,
        site_id: 'MLB',
        data: [
          { id: 'CPF', name: 'CPF', type: 'number', min_length: 11, max_length: 11 },
          { id: 'CNPJ', name: 'CNPJ', type: 'number', min_length: 14, max_length: 14 },
        ],
      });
      const ar = await get(`${argentina.id}/identification-types`).expect(200);
      expect((ar.body.data as Json[]).map((type) => type.id)).toEqual([
        'DNI',
        'CI',
        'LC',
        'LE',
        'Otro',
      ]);
      const mexico = await createCredentials(t, 'mexico', { site_id: 'MLM' });
      const mx = await get(`${mexico.id}/identification-types`).expect(200);
      expect(mx.body).toMatchObject({ site_id: 'MLM', data: [] });
    });
  });

  describe('installments', () => {
    it('should split an amount for a card with payer costs in decimals of the currency', async () => {
      const res = await get('default/installments')
        .query({ amount: '100.00', bin: MLB_MASTER })
        .expect(200);
      expect(res.body).toMatchObject({
        credential_id: defaultId,
        site_id: 'MLB',
        currency_id: 'BRL',
      });
      expect(res.body.data).toHaveLength(1);
      const [option] = res.body.data as Json[];
      expect(option).toMatchObject({
        payment_method_id: 'master',
        payment_type_id: 'credit_card',
        issuer: { id: '24', name: 'Mastercard' },
        processing_mode: 'aggregator',
      });
      const costs = option.payer_costs as Json[];
      expect(
        costs.map((c) => [
          c.installments,
          c.installment_rate,
          c.installment_amount,
          c.total_amount,
        ]),
      ).toEqual([
        [1, 0, 100, 100],
        [3, 0, 33.33, 100],
        [6, 14.25, 19.04, 114.25],
        [12, 32.1, 11.01, 132.1],
      ]);
      expect(costs[0]).toMatchObject({
        labels: ['recommended_installment'],
        recommended_message: expect.stringContaining('parcelas'),
        payment_method_option_id: expect.any(String),
      });
    });

    it("should carry Argentina's CFT/TEA labels, by payment method too", async () => {
      const byBin = await get(`${argentina.id}/installments`)
        .query({ amount: 1000.5, bin: MLA_VISA })
        .expect(200);
      expect(byBin.body.currency_id).toBe('ARS');
      const costs = byBin.body.data[0].payer_costs as Json[];
      expect(costs.map((c) => c.labels[0])).toEqual([
        'CFT_0,00%|TEA_0,00%',
        'CFT_0,00%|TEA_0,00%',
        'CFT_69,72%|TEA_55,39%',
        'CFT_78,05%|TEA_61,23%',
      ]);
      expect(costs[2]).toMatchObject({ total_amount: 1143.07, installment_amount: 190.51 });

      const amex = await get(`${argentina.id}/installments`)
        .query({ amount: '200', payment_method_id: 'amex' })
        .expect(200);
      const amexCosts = amex.body.data[0].payer_costs as Json[];
      // Amex: only one installment comes without interest.
      expect(amexCosts.map((c) => c.installment_rate)).toEqual([0, 8.5, 16.9, 35.4]);
      expect(amexCosts[1].labels).toEqual(['CFT_71,04%|TEA_56,71%']);
    });

    it('should give a debit card one installment and an unknown pairing none', async () => {
      const debit = await get(`${argentina.id}/installments`)
        .query({ amount: '50', bin: MLA_DEBIT_MASTER })
        .expect(200);
      expect(debit.body.data[0]).toMatchObject({ payment_method_id: 'debmaster' });
      expect((debit.body.data[0].payer_costs as Json[]).map((c) => c.installments)).toEqual([1]);
      const mismatch = await get('default/installments')
        .query({ amount: '50', bin: MLB_MASTER, payment_method_id: 'visa' })
        .expect(200);
      expect(mismatch.body.data).toEqual([]);
    });
  });

  describe('card BINs', () => {
    it.each([
      [MLA_MASTER, 'master', 'credit_card', 16, 3, 'back'],
      [MLA_VISA, 'visa', 'credit_card', 16, 3, 'back'],
      [MLA_AMEX, 'amex', 'credit_card', 15, 4, 'front'],
      [MLA_DEBIT_MASTER, 'debmaster', 'debit_card', 16, 3, 'back'],
    ])(
      'should tell brand, issuer and rules of the Argentinian test card %s',
      async (bin, method, type, length, codeLength, location) => {
        const res = await get(`${argentina.id}/card-bins/${bin}`).expect(200);
        expect(res.body).toMatchObject({
          credential_id: argentina.id,
          site_id: 'MLA',
          bin,
          payment_method_id: method,
          payment_type_id: type,
          name: expect.any(String),
          issuer: { id: expect.any(String), name: expect.any(String) },
          card_number: { length, validation: 'standard' },
          security_code: { length: codeLength, card_location: location, mode: 'mandatory' },
          min_allowed_amount: 0.5,
        });
      },
    );

    it('should tell a Brazilian Elo debit card from a Mastercard through `default`', async () => {
      const elo = await get(`default/card-bins/${MLB_ELO_DEBIT}`).expect(200);
      expect(elo.body).toMatchObject({ payment_method_id: 'debelo', issuer: { id: '687' } });
      const master = await get(`default/card-bins/${MLB_MASTER}`).expect(200);
      expect(master.body).toMatchObject({ payment_method_id: 'master', issuer: { id: '24' } });
    });

    it('should answer 404 CARD_BIN_NOT_FOUND for digits no card method takes', async () => {
      const res = await get('default/card-bins/99999999').expect(404);
      expect(res.body.error).toMatchObject({
        code: 'CARD_BIN_NOT_FOUND',
        request_id: expect.any(String),
      });
    });
  });

  describe('cache', () => {
    it('should serve a second call from memory and ask Mercado Pago again after a rotation', async () => {
      const { id, account } = await createCredentials(t, 'cached');
      const lookups = [
        ['payment-methods', '/v1/payment_methods', {}],
        ['identification-types', '/v1/identification_types', {}],
        ['installments', '/v1/payment_methods/installments', { amount: '10', bin: MLB_MASTER }],
        [`card-bins/${MLB_MASTER}`, '/v1/payment_methods/search', {}],
      ] as const;
      for (const [route, , query] of lookups) {
        const first = await get(`${id}/${route}`).query(query).expect(200);
        const second = await get(`${id}/${route}`).query(query).expect(200);
        expect(second.body).toEqual(first.body);
      }
      for (const [, path] of lookups) expect(await callsAtMercadoPago(path, account)).toBe(1);

      // Another amount is another question.
      await get(`${id}/installments`).query({ amount: '11', bin: MLB_MASTER }).expect(200);
      expect(await callsAtMercadoPago('/v1/payment_methods/installments', account)).toBe(2);

      await t
        .http()
        .post(`/v1/credentials/${id}/rotate`)
        .set(admin)
        .send({ webhook_secret: webhookSecret() })
        .expect(200);
      for (const [route, , query] of lookups) await get(`${id}/${route}`).query(query).expect(200);
      expect(await callsAtMercadoPago('/v1/payment_methods', account)).toBe(2);
      expect(await callsAtMercadoPago('/v1/identification_types', account)).toBe(2);
      expect(await callsAtMercadoPago('/v1/payment_methods/installments', account)).toBe(3);
      expect(await callsAtMercadoPago('/v1/payment_methods/search', account)).toBe(2);
    });

    it('should stop answering for credentials once they are deleted', async () => {
      const { id } = await createCredentials(t, 'deleted');
      await get(`${id}/payment-methods`).expect(200);
      await t.http().delete(`/v1/credentials/${id}`).set(admin).expect(200);
      const res = await get(`${id}/payment-methods`).expect(404);
      expect(res.body.error.code).toBe('CREDENTIAL_NOT_FOUND');
    });
  });

  describe('refusals', () => {
    it.each([
      ['card-bins/12345', 'bin'],
      ['card-bins/123456789', 'bin'],
      ['card-bins/50314x', 'bin'],
      ['installments?amount=10', 'bin'],
      ['installments?bin=503143', 'amount'],
      ['installments?amount=-5&bin=503143', 'amount'],
      ['installments?amount=0&bin=503143', 'amount'],
      ['installments?amount=abc&bin=503143', 'amount'],
      ['installments?amount=10.001&bin=503143', 'amount'],
      ['installments?amount=10&bin=12', 'bin'],
      ['installments?amount=10&payment_method_id=Visa!', 'payment_method_id'],
      ['installments?amount=10&bin=503143&issuer_id=24', 'issuer_id'],
    ])('should refuse default/%s with 400 naming %s', async (path, field) => {
      const res = await get(`default/${path}`).expect(400);
      expect(res.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
      expect((res.body.error.details as Json[]).map((d) => d.field)).toContain(field);
    });

    it("should refuse decimals the currency does not have (Chile's peso has none)", async () => {
      const chile = await createCredentials(t, 'chile', { site_id: 'MLC' });
      const res = await get(`${chile.id}/installments`)
        .query({ amount: '1000.5', payment_method_id: 'visa' })
        .expect(400);
      expect(res.body.error.details).toEqual([
        { field: 'amount', messages: ['amount must be a whole number in CLP'] },
      ]);
      await get(`${chile.id}/installments`)
        .query({ amount: '1000', payment_method_id: 'visa' })
        .expect(200);
    });

    it('should answer 404 for credentials that do not exist', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
        const res = await get(`${id}/identification-types`).expect(404);
        expect(res.body.error.code).toBe('CREDENTIAL_NOT_FOUND');
      }
    });

    it('should refuse a token limited to other credentials, the default included', async () => {
      const limited = (await createToken(t, ['payments:read'], [argentina.id])).token;
      for (const route of [
        'payment-methods',
        'identification-types',
        `installments?amount=10&bin=${MLB_MASTER}`,
        `card-bins/${MLB_MASTER}`,
      ]) {
        for (const id of ['default', defaultId]) {
          const res = await get(`${id}/${route}`, limited).expect(403);
          expect(res.body.error).toMatchObject({
            code: 'AUTH_CREDENTIALS_NOT_ALLOWED',
            details: { credential_id: defaultId },
          });
        }
      }
      await get(`${argentina.id}/payment-methods`, limited).expect(200);
      const writer = (await createToken(t, ['payments:write'])).token;
      const lacking = await get('default/payment-methods', writer).expect(403);
      expect(lacking.body.error.code).toBe('AUTH_INSUFFICIENT_SCOPE');
    });
  });

  describe('Mercado Pago failing', () => {
    afterEach(async () => {
      await emulator(t, 'DELETE', '/__emulator/faults');
    });

    it.each([
      ['payment-methods', '/v1/payment_methods', {}],
      ['identification-types', '/v1/identification_types', {}],
      ['installments', '/v1/payment_methods/installments', { amount: '10', bin: MLB_MASTER }],
      [`card-bins/${MLB_MASTER}`, '/v1/payment_methods/search', {}],
    ])(
      'should answer 502 GATEWAY_UNAVAILABLE when %s gets 5xx, and cache nothing',
      async (route, path, query) => {
        const { id, account } = await createCredentials(t, `failing-${path.split('/').pop()}`);
        await fault({ method: 'GET', path, status: 500 });
        const res = await get(`${id}/${route}`).query(query).expect(502);
        expect(res.body.error.code).toBe('GATEWAY_UNAVAILABLE');
        // The SDK's own retries (MERCADOPAGO_MAX_RETRIES) happened before giving up.
        expect(await callsAtMercadoPago(path, account)).toBe(3);

        await emulator(t, 'DELETE', '/__emulator/faults');
        await get(`${id}/${route}`).query(query).expect(200);
      },
    );

    it('should answer 502 rather than guess when a required field is missing', async () => {
      const { id } = await createCredentials(t, 'unreadable');
      await fault({
        method: 'GET',
        path: '/v1/payment_methods/installments',
        status: 200,
        body: [
          { payment_method_id: 'master', payer_costs: [{ installments: 3, installment_rate: 0 }] },
        ],
      });
      const res = await get(`${id}/installments`)
        .query({ amount: '10', bin: MLB_MASTER })
        .expect(502);
      expect(res.body.error).toMatchObject({
        code: 'GATEWAY_UNAVAILABLE',
        message: expect.stringContaining('installment_amount'),
      });
      await fault({
        method: 'GET',
        path: '/v1/identification_types',
        status: 200,
        body: [{ id: 'CPF', name: 'CPF', type: 'number' }],
      });
      await get(`${id}/identification-types`).expect(502);
    });

    it("should read settings given as one object, as Mercado Pago's reference page prints them", async () => {
      const { id } = await createCredentials(t, 'settings-object');
      const rules = {
        bin: { pattern: '^4', exclusion_pattern: null, installments_pattern: '^4' },
        card_number: { length: 16, validation: 'standard' },
        security_code: { length: 3, card_location: 'back', mode: 'mandatory' },
      };
      await fault({
        method: 'GET',
        path: '/v1/payment_methods',
        status: 200,
        body: [
          {
            id: 'visa',
            name: 'Visa',
            payment_type_id: 'credit_card',
            status: 'active',
            settings: rules,
          },
          { id: 'pix', name: 'PIX', payment_type_id: 'bank_transfer', status: 'active' },
        ],
      });
      const res = await get(`${id}/payment-methods`).expect(200);
      expect(res.body.data).toMatchObject([
        { id: 'visa', settings: [rules], min_allowed_amount: null, thumbnail: null },
        { id: 'pix', settings: [], additional_info_needed: [] },
      ]);
    });

    it('should pass on a refusal of Mercado Pago as 422 GATEWAY_REJECTED', async () => {
      const { id } = await createCredentials(t, 'refused');
      await fault({
        method: 'GET',
        path: '/v1/payment_methods/installments',
        status: 400,
        body: {
          message: 'invalid bin',
          error: 'bad_request',
          status: 400,
          cause: [{ code: '2001', description: 'invalid bin' }],
        },
      });
      const res = await get(`${id}/installments`)
        .query({ amount: '10', bin: '11111111' })
        .expect(422);
      expect(res.body.error).toMatchObject({
        code: 'GATEWAY_REJECTED',
        details: {
          mercadopago_status: 400,
          causes: [{ code: '2001', description: 'invalid bin' }],
        },
      });
    });
  });
});

describe('Front-end lookups with LOOKUPS_CACHE_TTL_SECONDS=0', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { LOOKUPS_CACHE_TTL_SECONDS: '0' } });
  });
  afterAll(() => t.close());

  it('should ask Mercado Pago every time', async () => {
    const { id, account } = await createCredentials(t, 'uncached');
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .get(`/v1/credentials/${id}/identification-types`)
        .set(bearer(t.adminToken))
        .expect(200);
    }
    expect(await asked(t, '/v1/identification_types', account)).toBe(3);
  });
});
