import { asRecord, isRecord, optionalString, type Json } from '../common/body.util';
import { mpDate } from '../common/dates.util';
import { randomAlphanumeric } from '../common/ids.util';
import { MpError, notFound } from '../common/mp-error.util';
import type { Account } from '../state/accounts.state';
import type { CustomerRecord, EmulatorStore, SavedCardRecord } from '../state/store.state';
import { renderPaymentMethod } from '../data/payment-methods.data';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EDITABLE = [
  'email',
  'first_name',
  'last_name',
  'phone',
  'identification',
  'default_address',
  'address',
  'date_registered',
  'description',
  'default_card',
  'metadata',
] as const;

/** The Customers API answers with string cause codes ("101" customer already exists…). */
function customerError(code: string, description: string, status = 400): MpError {
  return new MpError(status, description, [{ code, description }]);
}

function customerNotFound(): MpError {
  return notFound('Customer not found', 2002);
}

export class CustomersService {
  constructor(
    private readonly store: EmulatorStore,
    private readonly clock: () => number,
  ) {}

  create(account: Account, input: unknown): Json {
    if (!isRecord(input)) throw customerError('118', 'the body must be a Json object');
    const email = this.checkEmail(account, input.email, null);
    const now = this.clock();
    const record: CustomerRecord = {
      // Customer ids are the seller's user id and a random suffix: "247711297-jxOV430go9fx2e".
      id: `${account.user_id}-${randomAlphanumeric(14)}`,
      userId: account.user_id,
      liveMode: account.live_mode,
      fields: { ...this.editable(input), email },
      cardIds: [],
      createdAt: now,
      updatedAt: now,
    };
    this.store.customers.set(record.id, record);
    return this.render(record);
  }

  get(account: Account, id: string): CustomerRecord {
    const record = this.store.owned(this.store.customers, id, account.user_id);
    if (!record) throw customerNotFound();
    return record;
  }

  search(account: Account, query: Record<string, string | undefined>): Json {
    const limit = Math.min(Number(query.limit ?? 10) || 10, 100);
    const offset = Number(query.offset ?? 0) || 0;
    const filters = Object.entries(query).filter(
      (entry): entry is [string, string] =>
        entry[0] !== 'limit' && entry[0] !== 'offset' && entry[1] !== undefined,
    );
    const results: Json[] = [];
    for (const record of this.store.customers.values()) {
      if (record.userId !== account.user_id) continue;
      const rendered = this.render(record);
      if (filters.every(([key, value]) => String(rendered[key] as string) === value)) {
        results.push(rendered);
      }
    }
    return {
      paging: { limit, offset, total: results.length },
      results: results.slice(offset, offset + limit),
    };
  }

  update(account: Account, id: string, input: unknown): Json {
    const record = this.get(account, id);
    const body = asRecord(input);
    const email =
      body.email === undefined
        ? record.fields.email
        : this.checkEmail(account, body.email, record.id);
    record.fields = { ...record.fields, ...this.editable(body), email };
    record.updatedAt = this.clock();
    return this.render(record);
  }

  remove(account: Account, id: string): Json {
    const record = this.get(account, id);
    for (const cardId of record.cardIds) this.store.cards.delete(cardId);
    this.store.customers.delete(record.id);
    return this.render(record);
  }

  /** Saves the card behind a token; the same card twice gives back the card already saved. */
  addCard(account: Account, customerId: string, input: unknown): { card: Json; created: boolean } {
    const customer = this.get(account, customerId);
    const body = asRecord(input);
    const tokenId = optionalString(body.token);
    if (!tokenId) throw customerError('119', 'the card is required');
    const token = this.store.owned(this.store.cardTokens, tokenId, account.user_id);
    // Saving does not spend the token, but an expired or unknown one is refused.
    if (!token || token.dueAt <= this.clock()) throw customerError('121', 'invalid card');
    const methodId = optionalString(body.payment_method_id);
    if (methodId && methodId !== token.card.method.id) {
      throw customerError(
        '127',
        'invalid parameter. Cannot resolve the payment method of card, check the payment_method_id and issuer_id',
      );
    }
    const now = this.clock();
    const existing = customer.cardIds
      .map((cardId) => this.store.cards.get(cardId))
      .find((card) => card?.card.number === token.card.number);
    if (existing) {
      existing.card = token.card;
      existing.updatedAt = now;
      return { card: this.renderCard(existing), created: false };
    }
    const card: SavedCardRecord = {
      id: String(this.store.cardIds.take()),
      userId: account.user_id,
      liveMode: account.live_mode,
      customerId: customer.id,
      card: token.card,
      createdAt: now,
      updatedAt: now,
    };
    this.store.cards.set(card.id, card);
    customer.cardIds.push(card.id);
    customer.fields.default_card ??= card.id;
    customer.updatedAt = now;
    return { card: this.renderCard(card), created: true };
  }

  listCards(account: Account, customerId: string): Json[] {
    return this.cardsOf(this.get(account, customerId));
  }

  getCard(account: Account, customerId: string, cardId: string): SavedCardRecord {
    const customer = this.get(account, customerId);
    const card = customer.cardIds.includes(cardId) ? this.store.cards.get(cardId) : undefined;
    if (!card) throw customerError('120', 'card not found', 404);
    return card;
  }

  removeCard(account: Account, customerId: string, cardId: string): Json {
    const card = this.getCard(account, customerId, cardId);
    const customer = this.get(account, customerId);
    customer.cardIds = customer.cardIds.filter((id) => id !== cardId);
    if (customer.fields.default_card === cardId)
      customer.fields.default_card = customer.cardIds[0] ?? null;
    this.store.cards.delete(cardId);
    return this.renderCard(card);
  }

  renderCard(record: SavedCardRecord): Json {
    const { card } = record;
    const method = renderPaymentMethod(card.method);
    return {
      id: record.id,
      expiration_month: card.expiration_month,
      expiration_year: card.expiration_year,
      first_six_digits: card.number.slice(0, 6),
      last_four_digits: card.number.slice(-4),
      payment_method: {
        id: method.id,
        name: method.name,
        payment_type_id: method.payment_type_id,
        thumbnail: method.thumbnail,
        secure_thumbnail: method.secure_thumbnail,
      },
      security_code: {
        length: card.method.securityCodeLength,
        card_location: card.method.cardLocation,
      },
      issuer: { id: Number(card.method.issuer.id), name: card.method.issuer.name },
      cardholder: card.cardholder,
      date_created: mpDate(record.createdAt),
      date_last_updated: mpDate(record.updatedAt),
      customer_id: record.customerId,
      user_id: String(record.userId),
      live_mode: record.liveMode,
    };
  }

  render(record: CustomerRecord): Json {
    const f = record.fields;
    const identification = asRecord(f.identification);
    const phone = asRecord(f.phone);
    const address = asRecord(f.address);
    return {
      id: record.id,
      email: f.email,
      first_name: f.first_name ?? null,
      last_name: f.last_name ?? null,
      phone: { area_code: phone.area_code ?? null, number: phone.number ?? null },
      identification: { type: identification.type ?? null, number: identification.number ?? null },
      address: {
        id: address.id ?? null,
        zip_code: address.zip_code ?? null,
        street_name: address.street_name ?? null,
        street_number: address.street_number ?? null,
      },
      date_registered: f.date_registered ?? null,
      description: f.description ?? null,
      date_created: mpDate(record.createdAt),
      date_last_updated: mpDate(record.updatedAt),
      metadata: f.metadata ?? {},
      default_card: f.default_card ?? null,
      default_address: f.default_address ?? null,
      cards: this.cardsOf(record),
      addresses: [],
      live_mode: record.liveMode,
      user_id: record.userId,
      merchant_id: record.userId,
      client_id: record.userId,
      status: 'active',
    };
  }

  private cardsOf(record: CustomerRecord): Json[] {
    return record.cardIds.flatMap((cardId) => {
      const card = this.store.cards.get(cardId);
      return card ? [this.renderCard(card)] : [];
    });
  }

  private editable(body: Json): Json {
    const out: Json = {};
    for (const key of EDITABLE) if (body[key] !== undefined) out[key] = body[key];
    return out;
  }

  /** Emails are unique per seller (code "101"), and must look like emails (code "106"). */
  private checkEmail(account: Account, value: unknown, selfId: string | null): string {
    const email = optionalString(value);
    if (!email || !EMAIL.test(email)) throw customerError('106', 'the email format is invalid');
    for (const other of this.store.customers.values()) {
      if (other.userId === account.user_id && other.id !== selfId && other.fields.email === email) {
        throw customerError('101', 'the customer already exist');
      }
    }
    return email;
  }
}
