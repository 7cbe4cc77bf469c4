import {
  CardToken,
  Customer,
  CustomerCard,
  MPBadRequestError,
  MPNotFoundError,
  Payment,
} from 'mercadopago';
import type { RunningEmulator } from '../../emulator';
import { cardToken, key, mp, MLB_VISA, paymentBody, startTestEmulator } from './emulator.helper';

describe('customers and saved cards through the official SDK', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  let n = 0;
  const email = () => `test_payer_${++n}${Date.now() % 100000}@testuser.com`;

  it('should create a customer with an id made of the seller id and a random suffix', async () => {
    const customer = await new Customer(mp()).create({
      body: {
        email: email(),
        first_name: 'Ana',
        identification: { type: 'CPF', number: '12345678909' },
      },
    });

    expect(customer.api_response.status).toBe(201);
    expect(customer.id).toMatch(/^1000000001-[A-Za-z0-9]{14}$/);
    expect(customer).toMatchObject({
      first_name: 'Ana',
      cards: [],
      default_card: null,
      live_mode: false,
    });
    expect(customer.date_created).toMatch(/-04:00$/);
  });

  it('should refuse a second customer with the same email with code "101"', async () => {
    const address = email();
    await new Customer(mp()).create({ body: { email: address } });

    const attempt = new Customer(mp()).create({ body: { email: address } });

    await expect(attempt).rejects.toBeInstanceOf(MPBadRequestError);
    await expect(attempt).rejects.toMatchObject({
      causes: [expect.objectContaining({ code: '101' })],
    });
  });

  it('should find a customer by email, read, update and delete it', async () => {
    const address = email();
    const created = await new Customer(mp()).create({ body: { email: address } });
    const id = created.id as string;

    const found = await new Customer(mp()).search({ options: { email: address } });
    const updated = await new Customer(mp()).update({
      customerId: id,
      body: { first_name: 'Bia' },
    });
    const read = await new Customer(mp()).get({ customerId: id });
    await new Customer(mp()).remove({ customerId: id });

    expect(found.paging?.total).toBe(1);
    expect(found.results?.[0]?.id).toBe(id);
    expect(updated.first_name).toBe('Bia');
    expect(read.first_name).toBe('Bia');
    await expect(new Customer(mp()).get({ customerId: id })).rejects.toBeInstanceOf(
      MPNotFoundError,
    );
  });

  it('should save a card, list it, read it and delete it', async () => {
    const customer = await new Customer(mp()).create({ body: { email: email() } });
    const customerId = customer.id as string;
    const token = await cardToken('APRO', MLB_VISA);

    const card = await new CustomerCard(mp()).create({ customerId, body: { token } });
    const list = await new CustomerCard(mp()).list({ customerId });
    const one = await new CustomerCard(mp()).get({ customerId, cardId: card.id as string });
    const withCard = await new Customer(mp()).get({ customerId });

    expect(card).toMatchObject({
      first_six_digits: '423564',
      last_four_digits: '5682',
      customer_id: customerId,
      payment_method: { id: 'visa', payment_type_id: 'credit_card' },
      security_code: { length: 3, card_location: 'back' },
      cardholder: { name: 'APRO' },
    });
    expect(card.id).toMatch(/^\d{13}$/);
    expect(list.map((c) => c.id)).toEqual([card.id]);
    expect(one.id).toBe(card.id);
    expect(withCard.default_card).toBe(card.id);

    await new CustomerCard(mp()).remove({ customerId, cardId: card.id as string });
    expect(await new CustomerCard(mp()).list({ customerId })).toHaveLength(0);
  });

  it('should pay with a saved card re-tokenized from card_id and security code', async () => {
    const customer = await new Customer(mp()).create({ body: { email: email() } });
    const customerId = customer.id as string;
    const card = await new CustomerCard(mp()).create({
      customerId,
      body: { token: await cardToken('APRO') },
    });

    const token = await new CardToken(mp()).create({
      body: { card_id: card.id, security_code: '123' },
    });
    const payment = await new Payment(mp()).create({
      body: paymentBody(token.id as string, { payer: { type: 'customer', id: customerId } }),
      requestOptions: key(),
    });

    expect(token).toMatchObject({ card_id: card.id, first_six_digits: '503143', status: 'active' });
    expect(payment).toMatchObject({
      status: 'approved',
      card: { id: card.id, last_four_digits: '6351' },
      payer: { id: customerId, email: customer.email },
    });
  });

  it('should refuse a saved-card token for another customer', async () => {
    const owner = await new Customer(mp()).create({ body: { email: email() } });
    const other = await new Customer(mp()).create({ body: { email: email() } });
    const card = await new CustomerCard(mp()).create({
      customerId: owner.id as string,
      body: { token: await cardToken('APRO') },
    });
    const token = await new CardToken(mp()).create({
      body: { card_id: card.id, security_code: '123' },
    });

    const attempt = new Payment(mp()).create({
      body: paymentBody(token.id as string, { payer: { type: 'customer', id: other.id } }),
      requestOptions: key(),
    });

    await expect(attempt).rejects.toMatchObject({
      status: 400,
      causes: [expect.objectContaining({ code: 2062 })],
    });
  });

  it('should refuse a payment for an unknown customer with cause 2002', async () => {
    const token = await cardToken('APRO');

    const attempt = new Payment(mp()).create({
      body: paymentBody(token, { payer: { type: 'customer', id: '1000000001-unknown' } }),
      requestOptions: key(),
    });

    await expect(attempt).rejects.toMatchObject({
      status: 400,
      causes: [expect.objectContaining({ code: 2002 })],
    });
  });

  it('should answer 404 for a customer of another seller', async () => {
    const customer = await new Customer(mp()).create({ body: { email: email() } });
    const other = 'TEST-4444-010100-4444-4000000004';
    await fetch(`${emulator.url}/__emulator/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: other, public_key: 'TEST-4444' }),
    });

    await expect(
      new Customer(mp(other)).get({ customerId: customer.id as string }),
    ).rejects.toMatchObject({
      status: 404,
      causes: [expect.objectContaining({ code: 2002 })],
    });
  });
});
