import { asRecord, isRecord, optionalString, type Json } from '../common/body.util';
import { mpDate } from '../common/dates.util';
import { cardTokenId } from '../common/ids.util';
import { MpError, badRequest, notFound } from '../common/mp-error.util';
import { paymentMethodForCard } from '../data/payment-methods.data';
import { SITES } from '../data/sites.data';
import type { Account } from '../state/accounts.state';
import type { CardData, CardTokenRecord, EmulatorStore } from '../state/store.state';

/** Lifetime is not documented; the official Python SDK's sample shows `date_due` 2 h later. */
export const CARD_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;

/** Card-token errors carry the card form's codes (205 empty number, E301 invalid number…). */
function invalid(code: string, description: string): MpError {
  return new MpError(400, 'invalid parameters', [{ code, description }]);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function readInt(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

function readExpiry(body: Json, now: number): { month: number; year: number } {
  if (body.expiration_month === undefined || body.expiration_month === null) {
    throw invalid('208', 'parameter expirationMonth can not be null/empty');
  }
  if (body.expiration_year === undefined || body.expiration_year === null) {
    throw invalid('209', 'parameter expirationYear can not be null/empty');
  }
  const month = readInt(body.expiration_month);
  if (month === null || month < 1 || month > 12)
    throw invalid('325', 'invalid parameter expirationMonth');
  const rawYear = readInt(body.expiration_year);
  const year = rawYear !== null && rawYear < 100 ? 2000 + rawYear : rawYear;
  const today = new Date(now);
  const expired =
    year === null ||
    year < today.getUTCFullYear() ||
    (year === today.getUTCFullYear() && month < today.getUTCMonth() + 1);
  if (year === null || expired || year > today.getUTCFullYear() + 30) {
    throw invalid('326', 'invalid parameter expirationYear');
  }
  return { month, year };
}

function readCardholder(account: Account, value: unknown): CardData['cardholder'] {
  const holder = asRecord(value);
  const name = optionalString(holder.name)?.trim();
  if (!name) throw invalid('221', 'parameter cardholderName can not be null/empty');
  if (!/^[\p{L}\s.'-]+$/u.test(name)) throw invalid('316', 'invalid parameter cardholderName');
  const identification = asRecord(holder.identification);
  const types = SITES[account.site_id].identificationTypes;
  // Mexico takes no document: whatever is sent is kept, never checked.
  if (!isRecord(holder.identification) || types.length === 0) {
    return {
      name,
      identification: {
        type: optionalString(identification.type),
        number: optionalString(identification.number),
      },
    };
  }
  const type = optionalString(identification.type);
  if (!type) throw invalid('212', 'parameter docType can not be null/empty');
  const known = types.find((t) => t.id.toLowerCase() === type.toLowerCase());
  if (!known) throw invalid('322', 'invalid parameter docType');
  const number = optionalString(identification.number);
  if (!number) throw invalid('214', 'parameter docNumber can not be null/empty');
  const plain = number.replace(/[.\-\s]/g, '');
  if (plain.length < known.min_length || plain.length > known.max_length) {
    throw invalid('324', 'invalid parameter docNumber');
  }
  return { name, identification: { type: known.id, number } };
}

function checkSecurityCode(value: unknown, length: number): void {
  const code = optionalString(value);
  if (!code) throw invalid('224', 'parameter securityCode can not be null/empty');
  if (!/^\d+$/.test(code) || code.length !== length) {
    throw invalid('E203', 'invalid parameter securityCode');
  }
}

function cardFromNumber(account: Account, body: Json, now: number): CardData {
  const raw = optionalString(body.card_number);
  if (!raw) throw invalid('205', 'parameter cardNumber can not be null/empty');
  const number = raw.replace(/[\s-]/g, '');
  const method = /^\d+$/.test(number) ? paymentMethodForCard(account.site_id, number) : null;
  if (!method || !method.cardLengths.includes(number.length) || !luhnValid(number)) {
    throw invalid('E301', 'invalid parameter cardNumber');
  }
  checkSecurityCode(body.security_code, method.securityCodeLength);
  const { month, year } = readExpiry(body, now);
  return {
    number,
    expiration_month: month,
    expiration_year: year,
    cardholder: readCardholder(account, body.cardholder),
    method,
  };
}

export function createCardToken(
  store: EmulatorStore,
  account: Account,
  body: Json,
  now: number,
): CardTokenRecord {
  let card: CardData;
  let cardId: string | null = null;
  if (body.card_id !== undefined && body.card_id !== null) {
    // A saved card is re-tokenized with the CVV the buyer types again: Mercado Pago never keeps it.
    cardId = String(optionalString(body.card_id));
    const saved = store.owned(store.cards, cardId, account.user_id);
    if (!saved) throw notFound('card not found', 2010);
    checkSecurityCode(body.security_code, saved.card.method.securityCodeLength);
    card = saved.card;
  } else {
    card = cardFromNumber(account, body, now);
  }
  const record: CardTokenRecord = {
    id: cardTokenId(),
    userId: account.user_id,
    liveMode: account.live_mode,
    card,
    securityCodeLength: card.method.securityCodeLength,
    cardId,
    createdAt: now,
    dueAt: now + CARD_TOKEN_TTL_MS,
    used: false,
  };
  store.cardTokens.set(record.id, record);
  return record;
}

/** A token a payment may spend: unknown → 2006, used or expired → 2062 (tokens are single use). */
export function usableCardToken(
  store: EmulatorStore,
  account: Account,
  tokenId: string,
  now: number,
): CardTokenRecord {
  const token = store.owned(store.cardTokens, tokenId, account.user_id);
  if (!token) throw badRequest(2006, 'Card Token not found');
  if (token.used || token.dueAt <= now) throw badRequest(2062, 'Invalid card token');
  return token;
}

export function renderCardToken(token: CardTokenRecord): Json {
  const { card } = token;
  return {
    id: token.id,
    public_key: null,
    card_id: token.cardId,
    first_six_digits: card.number.slice(0, 6),
    last_four_digits: card.number.slice(-4),
    expiration_month: card.expiration_month,
    expiration_year: card.expiration_year,
    cardholder: card.cardholder,
    status: 'active',
    date_created: mpDate(token.createdAt),
    date_last_updated: mpDate(token.createdAt),
    date_due: mpDate(token.dueAt),
    luhn_validation: true,
    live_mode: token.liveMode,
    require_esc: false,
    card_number_length: card.number.length,
    security_code_length: token.securityCodeLength,
  };
}
