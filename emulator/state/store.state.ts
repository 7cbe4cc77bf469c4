import type { PaymentMethodDef } from '../data/payment-methods.data';
import type { SiteFees } from '../data/sites.data';
import type { Json } from '../common/body.util';
import { IdSequence } from '../common/ids.util';
import { IdempotencyStore } from './idempotency.state';

export interface Cardholder {
  name: string;
  identification: { type: string | null; number: string | null };
}

/** What a card token or a saved card knows of the card. The emulator keeps the number: it is fake. */
export interface CardData {
  number: string;
  expiration_month: number;
  expiration_year: number;
  cardholder: Cardholder;
  method: PaymentMethodDef;
}

export interface CardTokenRecord {
  id: string;
  userId: number;
  liveMode: boolean;
  card: CardData;
  securityCodeLength: number;
  cardId: string | null;
  createdAt: number;
  dueAt: number;
  used: boolean;
}

export interface SavedCardRecord {
  id: string;
  userId: number;
  liveMode: boolean;
  customerId: string;
  card: CardData;
  createdAt: number;
  updatedAt: number;
}

export interface CustomerRecord {
  id: string;
  userId: number;
  liveMode: boolean;
  fields: Json;
  cardIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** The refund statuses Mercado Pago returns. */
export type RefundStatus = 'approved' | 'in_process' | 'rejected' | 'cancelled';

export interface RefundRecord {
  json: Json & { id: number; amount: number; status: RefundStatus };
  amountMinor: number;
}

export interface PaymentRecord {
  id: number;
  userId: number;
  decimals: number;
  /** The seller's site's fees and release delay. */
  fees: SiteFees;
  /** What was charged (or is reserved, while authorized), in minor units. */
  amountMinor: number;
  /** Approved refunds only; in_process ones are reserved apart (see RefundsService). */
  refundedMinor: number;
  /** Statuses the next refunds will get, set by the control API; first is next. */
  refundOutcomes: RefundStatus[];
  notificationUrl: string | null;
  json: Json;
  refunds: RefundRecord[];
  createdAt: number;
  /** The rendered JSON text, kept until the payment changes: reads dominate a benchmark. */
  serialized: string | null;
}

/** A chargeback case: `json` is what GET /v1/chargebacks/{id} answers. */
export interface ChargebackRecord {
  id: string;
  userId: number;
  paymentId: number;
  json: Json;
  /** Epoch ms of the last change: date_last_updated only ever moves forward. */
  updatedAt: number;
}

/** All emulated Mercado Pago state, in memory. Every record names the seller that owns it. */
export class EmulatorStore {
  readonly payments = new Map<number, PaymentRecord>();
  readonly cardTokens = new Map<string, CardTokenRecord>();
  readonly customers = new Map<string, CustomerRecord>();
  readonly cards = new Map<string, SavedCardRecord>();
  readonly chargebacks = new Map<string, ChargebackRecord>();
  readonly idempotency = new IdempotencyStore();
  /** Open 3DS challenges: the `creq` handed out → its payment id. */
  readonly challenges = new Map<string, number>();
  // Ids start from the clock, so a restarted emulator (its state is in memory) never hands out
  // an id a client already stored: the service keeps Mercado Pago's ids unique.
  private readonly clock = Date.now() - Date.UTC(2026, 0, 1);
  readonly paymentIds = new IdSequence(13_100_000_000 + this.clock);
  readonly refundIds = new IdSequence(1_010_000_000 + this.clock);
  readonly cardIds = new IdSequence(1_700_000_000_000 + this.clock);
  readonly notificationIds = new IdSequence(110_000_000_000 + this.clock);
  /** Mercado Pago's chargeback ids are 18 digits, beyond a safe JS integer: kept as text. */
  readonly chargebackIds = new IdSequence(this.clock);

  /** The record if it exists and belongs to this seller: another seller gets "not found". */
  owned<K, T extends { userId: number }>(map: Map<K, T>, id: K, userId: number): T | null {
    const record = map.get(id);
    return record && record.userId === userId ? record : null;
  }

  clear(): void {
    this.payments.clear();
    this.cardTokens.clear();
    this.customers.clear();
    this.cards.clear();
    this.chargebacks.clear();
    this.idempotency.clear();
    this.challenges.clear();
  }
}
