import { AmountError, toDecimalString, toMajorNumber, toMinorUnits } from './money';

describe('money', () => {
  it('should turn decimal numbers and strings into integer minor units', () => {
    expect(toMinorUnits(10.5, 'BRL')).toBe(1050);
    expect(toMinorUnits('0.10', 'BRL')).toBe(10);
    expect(toMinorUnits(0.3, 'ARS')).toBe(30);
    expect(toMinorUnits('1500', 'CLP')).toBe(1500);
    expect(toMinorUnits('12.340', 'MXN')).toBe(1234);
  });

  it.each([
    [10.555, 'BRL', /at most 2 decimals/],
    ['10.5', 'CLP', /whole number/],
    [0, 'BRL', /greater than zero/],
    ['-1', 'BRL', /positive decimal/],
    ['1e3', 'BRL', /positive decimal/],
    [1e21, 'BRL', /positive decimal/],
    ['99999999999', 'BRL', /too large/],
    ['10', 'XXX', /unsupported currency/],
  ])('should refuse %p %s', (value, currency, message) => {
    expect(() => toMinorUnits(value, currency)).toThrow(AmountError);
    expect(() => toMinorUnits(value, currency)).toThrow(message);
  });

  it('should render minor units back without float drift', () => {
    expect(toDecimalString(5, 'BRL')).toBe('0.05');
    expect(toDecimalString(123456789, 'ARS')).toBe('1234567.89');
    expect(toMajorNumber(5880, 'BRL')).toBe(58.8);
    expect(toMajorNumber(1500, 'CLP')).toBe(1500);
  });
});
