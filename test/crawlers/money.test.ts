import { describe, expect, it } from 'vitest';
import { currencyExponent, fromMinorWithExponent, parseMoney } from '../../crawlers/normalize/money';

describe('parseMoney', () => {
  it.each([
    ['158.00', 'CNY', { minor: 15800, currency: 'CNY' }],
    ['158', 'CNY', { minor: 15800, currency: 'CNY' }],
    ['25.5', 'CNY', { minor: 2550, currency: 'CNY' }],
    ['0.29', 'CNY', { minor: 29, currency: 'CNY' }],
    ['.5', 'CNY', { minor: 50, currency: 'CNY' }],
    ['¥1,280.00', null, { minor: 128000, currency: 'CNY' }],
    ['￥１２８０．５０', null, { minor: 128050, currency: 'CNY' }],
    ['1280元', null, { minor: 128000, currency: 'CNY' }],
    ['RMB 99', null, { minor: 9900, currency: 'CNY' }],
    ['15.00 USD', null, { minor: 1500, currency: 'USD' }],
    ['30.00USD', null, { minor: 3000, currency: 'USD' }],
    ['$30.00', null, { minor: 3000, currency: 'USD' }],
    ['€12,50', null, null],
    ['1,500 JPY', null, { minor: 1500, currency: 'JPY' }],
    ['12.345', 'CNY', { minor: 1235, currency: 'CNY' }],
    ['12.344', 'CNY', { minor: 1234, currency: 'CNY' }],
    [' 68.00 ', null, { minor: 6800, currency: null }],
    [68, 'CNY', { minor: 6800, currency: 'CNY' }],
  ] as const)('reads %j exactly', (text, defaultCurrency, expected) => {
    expect(parseMoney(text, defaultCurrency)).toEqual(expected);
  });

  it.each(['', '   ', '面议', '-5', '1.2.3', '12,34', 'abc', '1e3'])('returns null for %j', (text) => {
    expect(parseMoney(text, 'CNY')).toBeNull();
  });

  it('returns null for null, undefined and non-finite numbers', () => {
    expect(parseMoney(null)).toBeNull();
    expect(parseMoney(undefined)).toBeNull();
    expect(parseMoney(Number.NaN)).toBeNull();
  });

  it('does not go through floats: 0.1 + 0.2 style amounts stay exact', () => {
    // 1.15 * 100 is 114.99999999999999 in floating point.
    expect(parseMoney('1.15', 'CNY')?.minor).toBe(115);
    expect(parseMoney('4.35', 'USD')?.minor).toBe(435);
  });
});

describe('currencyExponent', () => {
  it('knows zero-decimal currencies and defaults to 2', () => {
    expect(currencyExponent('CNY')).toBe(2);
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('XYZ')).toBe(2);
  });
});

describe('fromMinorWithExponent', () => {
  it('keeps amounts already in the standard exponent', () => {
    expect(fromMinorWithExponent(3300, 2, 'USD')).toBe(3300);
  });
  it('scales up a smaller exponent', () => {
    expect(fromMinorWithExponent(20, 0, 'USD')).toBe(2000);
  });
  it('scales down a larger exponent, rounding half up', () => {
    expect(fromMinorWithExponent(40000, 3, 'USD')).toBe(4000);
    expect(fromMinorWithExponent(12345, 3, 'EUR')).toBe(1235);
    expect(fromMinorWithExponent(12344, 3, 'EUR')).toBe(1234);
  });
  it('converts to zero-decimal currencies', () => {
    expect(fromMinorWithExponent(150000, 2, 'JPY')).toBe(1500);
  });
  it('rejects non-integer, negative and absurd input', () => {
    expect(fromMinorWithExponent(12.5, 2, 'USD')).toBeNull();
    expect(fromMinorWithExponent(-100, 2, 'USD')).toBeNull();
    expect(fromMinorWithExponent(100, -1, 'USD')).toBeNull();
    expect(fromMinorWithExponent(Number.MAX_SAFE_INTEGER, 0, 'USD')).toBeNull();
  });
});
