import { luhnValid } from '../services/card-tokens.service';
import { PAYMENT_METHODS, paymentMethodForCard } from './payment-methods.data';
import { TEST_CARDS } from './test-cards.data';

describe('test card table', () => {
  it.each(TEST_CARDS.map((card) => [card.site, card.number, card.payment_method_id]))(
    'should resolve %s card %s to %s and pass Luhn',
    (site, number, methodId) => {
      const method = paymentMethodForCard(site, number);

      expect(luhnValid(number)).toBe(true);
      expect(method?.id).toBe(methodId);
      expect(method?.cardLengths).toContain(number.length);
    },
  );

  it('should tell a debit BIN from a credit card of the same brand', () => {
    expect(paymentMethodForCard('MLA', '400276')?.payment_type_id).toBe('debit_card');
    expect(paymentMethodForCard('MLA', '450995')?.payment_type_id).toBe('credit_card');
  });

  it('should give every site visa, master and a debit method', () => {
    for (const methods of Object.values(PAYMENT_METHODS)) {
      const ids = methods.map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['visa', 'master']));
      expect(methods.some((m) => m.payment_type_id === 'debit_card')).toBe(true);
    }
  });
});
