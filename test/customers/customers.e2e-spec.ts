import { randomUUID } from 'node:crypto';
import { Customer, MercadoPagoConfig } from 'mercadopago';
import { EMULATOR_DEFAULT_ACCESS_TOKEN, EMULATOR_DEFAULT_PUBLIC_KEY } from '../../emulator';
import {
  Json,
  MLB_CPF,
  MLB_VISA,
  cardToken,
  emulator,
  paymentBody,
  postPayment,
} from '../support/payments';
import { TestApp, bearer, startTestApp } from '../support/test-app';
import { createCustomer, findByEmail, newEmail } from './customers.helper';

const UUID = /^[0-9a-f-]{36}$/;
type Method = 'get' | 'post' | 'delete';

describe('Customers and saved cards', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const saveCard = (customerId: string, token: string) =>
    t.http().post(`/v1/customers/${customerId}/cards`).set(bearer(t.adminToken)).send({ token });
  const listCards = (customerId: string) =>
    t.http().get(`/v1/customers/${customerId}/cards`).set(bearer(t.adminToken));
  const deleteCard = (customerId: string, cardId: string) =>
    t.http().delete(`/v1/customers/${customerId}/cards/${cardId}`).set(bearer(t.adminToken));
  const call = (method: Method, path: string, body?: object) =>
    t.http()[method](path).set(bearer(t.adminToken)).send(body);

  describe('creating and finding customers', () => {
    it('should create a customer at Mercado Pago and find it by email', async () => {
      const email = newEmail();
      const customer = await createCustomer(t, {
        email,
        first_name: 'Ana',
        last_name: 'Silva',
        identification: MLB_CPF,
      });

      expect(customer).toEqual({
        id: expect.stringMatching(UUID),
        mercadopago_id: expect.stringMatching(/^1000000001-\w+$/),
        credential_id: expect.stringMatching(UUID),
        email,
        first_name: 'Ana',
        last_name: 'Silva',
        date_created: expect.any(String),
      });
      const found = await findByEmail(t, email).expect(200);
      expect(found.body).toEqual({ data: [customer] });
      const atMercadoPago = await emulator(t, 'GET', `/__emulator/requests?path=/v1/customers`);
      expect(
        atMercadoPago.body.find((r: Json) => r.method === 'POST' && r.body?.email === email)
          ?.headers['x-idempotency-key'],
      ).toBe(`mps-customer-${customer.id}`);
    });

    it('should answer 200 with the same customer for an email it already knows, in any case', async () => {
      const email = newEmail();
      const first = await createCustomer(t, { email });

      const again = await createCustomer(t, { email: email.toUpperCase(), first_name: 'X' }, 200);

      expect(again).toEqual(first);
      expect((await findByEmail(t, email.toUpperCase()).expect(200)).body.data).toHaveLength(1);
    });

    it('should adopt the customer Mercado Pago already has for that email', async () => {
      const email = newEmail();
      const elsewhere = await new Customer(
        new MercadoPagoConfig({ accessToken: EMULATOR_DEFAULT_ACCESS_TOKEN }),
      ).create({ body: { email, first_name: 'Bia' } });

      const adopted = await createCustomer(t, { email, first_name: 'Other' });

      expect(adopted).toMatchObject({ mercadopago_id: elsewhere.id, email, first_name: 'Bia' });
      expect((await findByEmail(t, email).expect(200)).body.data).toEqual([adopted]);
    });

    it('should find nobody for an unknown email', async () => {
      expect((await findByEmail(t, newEmail()).expect(200)).body).toEqual({ data: [] });
    });
  });

  describe('saved cards', () => {
    it('should save a card from a token and list it with its digits as strings', async () => {
      const customer = await createCustomer(t, { email: newEmail() });

      const saved = await saveCard(customer.id, await cardToken(t, 'APRO', MLB_VISA)).expect(201);

      expect(saved.body).toEqual({
        id: expect.stringMatching(/^\d+$/),
        customer_id: customer.id,
        first_six_digits: '423564',
        last_four_digits: '5682',
        expiration_month: 11,
        expiration_year: 2030,
        payment_method: { id: 'visa', payment_type_id: 'credit_card' },
        issuer: { id: expect.stringMatching(/^\d+$/), name: expect.any(String) },
        cardholder_name: 'APRO',
        date_created: expect.any(String),
      });
      expect((await listCards(customer.id).expect(200)).body).toEqual({ data: [saved.body] });
      const log = await emulator(
        t,
        'GET',
        `/__emulator/requests?method=POST&path=/v1/customers/${customer.mercadopago_id}/cards`,
      );
      expect(log.body[0].headers['x-idempotency-key']).toMatch(/^mps-card-[0-9a-f]{40}$/);
    });

    it('should pay with a saved card, re-tokenized from its id and the security code', async () => {
      const email = newEmail();
      const customer = await createCustomer(t, { email });
      const card = (await saveCard(customer.id, await cardToken(t)).expect(201)).body;

      const { status, body: token } = await emulator(
        t,
        'POST',
        `/v1/card_tokens?public_key=${EMULATOR_DEFAULT_PUBLIC_KEY}`,
        { card_id: card.id, security_code: '123' },
      );
      expect(status).toBe(201);
      const payment = await postPayment(
        t,
        paymentBody(token.id, {
          payer: { type: 'customer', id: customer.mercadopago_id, email },
        }),
      ).expect(201);

      expect(payment.body).toMatchObject({
        status: 'approved',
        payer: { email },
        card: { first_six_digits: card.first_six_digits, last_four_digits: card.last_four_digits },
      });
    });

    it('should delete a saved card, which is then gone', async () => {
      const customer = await createCustomer(t, { email: newEmail() });
      const card = (await saveCard(customer.id, await cardToken(t)).expect(201)).body;

      const deleted = await deleteCard(customer.id, card.id).expect(200);

      expect(deleted.body).toEqual(card);
      expect((await listCards(customer.id).expect(200)).body).toEqual({ data: [] });
      const again = await deleteCard(customer.id, card.id).expect(404);
      expect(again.body.error.code).toBe('CUSTOMER_CARD_NOT_FOUND');
    });

    it('should answer 422 GATEWAY_REJECTED for a card token Mercado Pago does not know', async () => {
      const customer = await createCustomer(t, { email: newEmail() });

      const res = await saveCard(customer.id, 'ffffffffffffffffffffffffffffffff').expect(422);

      expect(res.body.error).toMatchObject({
        code: 'GATEWAY_REJECTED',
        details: { mercadopago_status: 400, causes: [{ code: '121' }] },
      });
      expect((await listCards(customer.id).expect(200)).body.data).toEqual([]);
    });
  });

  describe('errors', () => {
    it.each<[string, Method, string, object | undefined]>([
      ['save a card', 'post', '/cards', { token: 'ffffffffffffffff' }],
      ['list cards', 'get', '/cards', undefined],
      ['delete a card', 'delete', '/cards/123', undefined],
    ])(
      'should answer 404 CUSTOMER_NOT_FOUND to %s of an unknown customer',
      async (_, method, path, body) => {
        const id = randomUUID();
        const res = await call(method, `/v1/customers/${id}${path}`, body);
        expect(res.status).toBe(404);
        expect(res.body.error).toMatchObject({
          code: 'CUSTOMER_NOT_FOUND',
          message: `No customer with id ${id}`,
        });
      },
    );

    it('should answer 403 to a token without customers:write, and let it read', async () => {
      const reader = await t
        .http()
        .post('/v1/tokens')
        .set(bearer(t.adminToken))
        .send({ name: `reader-${randomUUID()}`, scopes: ['payments:read'] })
        .expect(201);
      const customer = await createCustomer(t, { email: newEmail() });
      const as = bearer(reader.body.token as string);

      const create = await t.http().post('/v1/customers').set(as).send({ email: newEmail() });
      const save = await t
        .http()
        .post(`/v1/customers/${customer.id}/cards`)
        .set(as)
        .send({ token: await cardToken(t) });
      const remove = await t.http().delete(`/v1/customers/${customer.id}/cards/1`).set(as);

      for (const res of [create, save, remove]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('AUTH_INSUFFICIENT_SCOPE');
      }
      await t.http().get(`/v1/customers?email=${customer.email}`).set(as).expect(200);
      await t.http().get(`/v1/customers/${customer.id}/cards`).set(as).expect(200);
    });

    it('should answer 401 without a service token', async () => {
      const res = await t.http().get(`/v1/customers?email=${newEmail()}`);
      expect(res.status).toBe(401);
    });

    it.each<[string, Method, string, object | undefined, string[]]>([
      [
        'a bad email, names and an unknown field',
        'post',
        '/v1/customers',
        { email: 'not-an-email', first_name: '', last_name: 7, phone: '1' },
        ['email', 'first_name', 'last_name', 'phone'],
      ],
      [
        'a bad identification and credential id',
        'post',
        '/v1/customers',
        { email: newEmail(), identification: { type: 'CPF', number: '!' }, credential_id: 'x' },
        ['identification.number', 'credential_id'],
      ],
      ['a search without email', 'get', '/v1/customers', undefined, ['email']],
      [
        'a search with a bad email and credential id',
        'get',
        '/v1/customers?email=nope&credential_id=1',
        undefined,
        ['email', 'credential_id'],
      ],
      ['a customer id that is not a UUID', 'get', '/v1/customers/abc/cards', undefined, ['id']],
      [
        'a malformed card token',
        'post',
        `/v1/customers/${randomUUID()}/cards`,
        { token: 'short' },
        ['token'],
      ],
      [
        'a card id that is not one',
        'delete',
        `/v1/customers/${randomUUID()}/cards/abc`,
        undefined,
        ['card_id'],
      ],
    ])('should answer 400 listing each bad field for %s', async (_, method, path, body, fields) => {
      const res = await call(method, path, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('REQUEST_VALIDATION_FAILED');
      expect(res.body.error.details.map((d: Json) => d.field).sort()).toEqual([...fields].sort());
    });
  });
});
