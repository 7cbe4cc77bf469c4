export type PaymentStatus =
  | 'pending'
  | 'approved'
  | 'authorized'
  | 'in_process'
  | 'in_mediation'
  | 'rejected'
  | 'cancelled'
  | 'refunded'
  | 'charged_back';

export interface Outcome {
  status: 'approved' | 'in_process' | 'rejected' | 'pending';
  status_detail: string;
}

const rejected = (status_detail: string): Outcome => ({ status: 'rejected', status_detail });

/** The sandbox decides a card payment from the cardholder name (first word). */
export const CARDHOLDER_OUTCOMES: Record<string, Outcome> = {
  APRO: { status: 'approved', status_detail: 'accredited' },
  CONT: { status: 'in_process', status_detail: 'pending_contingency' },
  OTHE: rejected('cc_rejected_other_reason'),
  CALL: rejected('cc_rejected_call_for_authorize'),
  FUND: rejected('cc_rejected_insufficient_amount'),
  SECU: rejected('cc_rejected_bad_filled_security_code'),
  EXPI: rejected('cc_rejected_bad_filled_date'),
  FORM: rejected('cc_rejected_bad_filled_other'),
  CARD: rejected('cc_rejected_bad_filled_card_number'),
  INST: rejected('cc_rejected_invalid_installments'),
  DUPL: rejected('cc_rejected_duplicated_payment'),
  LOCK: rejected('cc_rejected_card_disabled'),
  CTNA: rejected('cc_rejected_card_type_not_allowed'),
  ATTE: rejected('cc_rejected_max_attempts'),
  BLAC: rejected('cc_rejected_blacklist'),
};

/**
 * The emulator's own code (Mercado Pago publishes none): a card whose issuer demands a 3DS
 * challenge. With `three_d_secure_mode` optional or mandatory the payment waits for it
 * (pending / pending_challenge); without 3DS it is rejected / cc_rejected_3ds_mandatory.
 */
export const CHALLENGE_CARDHOLDER = 'CHAL';

const cardholderCode = (name: string) => name.trim().split(/\s+/)[0]?.toUpperCase() ?? '';

/** Any other name (UNSU, TEST, a real name) is approved: the emulator has no risk engine. */
export function outcomeForCardholder(name: string, threeDs: boolean): Outcome {
  const code = cardholderCode(name);
  if (code === CHALLENGE_CARDHOLDER) {
    return threeDs
      ? { status: 'pending', status_detail: 'pending_challenge' }
      : rejected('cc_rejected_3ds_mandatory');
  }
  return CARDHOLDER_OUTCOMES[code] ?? CARDHOLDER_OUTCOMES.APRO;
}
