import type { SiteId } from './sites.data';

export interface TestCard {
  site: SiteId;
  number: string;
  payment_method_id: string;
}

/**
 * Mercado Pago's published sandbox cards (CVV 123, Amex 1234; expiry 11/30), per site. Debit cards
 * are listed because their BINs are what tell them apart from credit cards of the same brand.
 */
export const TEST_CARDS: TestCard[] = [
  { site: 'MLA', number: '5031755734530604', payment_method_id: 'master' },
  { site: 'MLA', number: '4509953566233704', payment_method_id: 'visa' },
  { site: 'MLA', number: '371180303257522', payment_method_id: 'amex' },
  { site: 'MLA', number: '5287338310253304', payment_method_id: 'debmaster' },
  { site: 'MLA', number: '4002768694395619', payment_method_id: 'debvisa' },
  { site: 'MLB', number: '5031433215406351', payment_method_id: 'master' },
  { site: 'MLB', number: '4235647728025682', payment_method_id: 'visa' },
  { site: 'MLB', number: '375365153556885', payment_method_id: 'amex' },
  { site: 'MLB', number: '5067766783888311', payment_method_id: 'debelo' },
  // Some MLB pages list these Mastercards instead of 5031…
  { site: 'MLB', number: '5480832801033311', payment_method_id: 'master' },
  { site: 'MLB', number: '5474925432670366', payment_method_id: 'master' },
  { site: 'MLC', number: '5416752602582580', payment_method_id: 'master' },
  { site: 'MLC', number: '4168818844447115', payment_method_id: 'visa' },
  { site: 'MLC', number: '375778174461804', payment_method_id: 'amex' },
  { site: 'MLC', number: '5241019826646950', payment_method_id: 'debmaster' },
  { site: 'MLC', number: '4023653523914373', payment_method_id: 'debvisa' },
  { site: 'MCO', number: '5254133674403564', payment_method_id: 'master' },
  { site: 'MCO', number: '4013540682746260', payment_method_id: 'visa' },
  { site: 'MCO', number: '374378187755283', payment_method_id: 'amex' },
  { site: 'MCO', number: '4915112055246507', payment_method_id: 'debvisa' },
  { site: 'MLM', number: '5474925432670366', payment_method_id: 'master' },
  { site: 'MLM', number: '4075595716483764', payment_method_id: 'visa' },
  { site: 'MLM', number: '5579053461482647', payment_method_id: 'debmaster' },
  { site: 'MLM', number: '4189141221267633', payment_method_id: 'debvisa' },
  { site: 'MLU', number: '5031755734530604', payment_method_id: 'master' },
  { site: 'MLU', number: '4509953566233704', payment_method_id: 'visa' },
  { site: 'MLU', number: '4213016314706756', payment_method_id: 'debvisa' },
  { site: 'MPE', number: '5031755734530604', payment_method_id: 'master' },
  { site: 'MPE', number: '4009175332806176', payment_method_id: 'visa' },
  { site: 'MPE', number: '371180303257522', payment_method_id: 'amex' },
  { site: 'MPE', number: '5178781622202455', payment_method_id: 'debmaster' },
];

/** Test documents that go with APRO/OTHE, per site (Mexico takes none). */
export const TEST_DOCUMENTS: Record<SiteId, { type: string; number: string } | null> = {
  MLA: { type: 'DNI', number: '12345678' },
  MLB: { type: 'CPF', number: '12345678909' },
  MLC: { type: 'Otro', number: '123456789' },
  MCO: { type: 'CC', number: '123456789' },
  MLM: null,
  MLU: { type: 'CI', number: '12345678' },
  MPE: { type: 'CE', number: '123456789' },
};
