import { maskCardLike } from './logging';

describe('maskCardLike', () => {
  it.each([
    ['5031433215406351', '[card-redacted]'],
    ['card 5031 4332 1540 6351 declined', 'card [card-redacted] declined'],
    ['5031-4332-1540-6351', '[card-redacted]'],
    ['4509953566233704123', '[card-redacted]'],
    // Begins like a UUID, is none: only a whole UUID is kept.
    ['50314332-15406351 declined', '[card-redacted] declined'],
  ])('should hide a card number in %j', (text, masked) => {
    expect(maskCardLike(text)).toBe(masked);
  });

  it.each([
    'Payment 24631460-1234-4567-8901-23456789abcd submitting → approved',
    'Payment 13365891-5ac6-428e-85aa-6aa8470d6e63 submitting → approved',
    'GET /v1/payments/12345678-9012-4345-8789-012345678901 200 3 ms',
    'amount 123456789012 in minor units',
  ])('should keep ids and shorter numbers: %j', (text) => {
    expect(maskCardLike(text)).toBe(text);
  });

  it('should hide a card number beside an id', () => {
    expect(maskCardLike('24631460-1234-4567-8901-23456789abcd 5031433215406351')).toBe(
      '24631460-1234-4567-8901-23456789abcd [card-redacted]',
    );
  });
});
