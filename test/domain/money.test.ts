import { decimalText, formatMinorUnits, isMoneyAmount, shareOf, toMinorUnits } from '../../src/domain/money';

describe('money: decimal amounts to integer minor units', () => {
  it.each([
    [0, 0], [1, 100], [89.9, 8990], [10.05, 1005], [0.1, 10], [0.29, 29], [1.15, 115], [749, 74900],
    [999999999999.99, 99999999999999],
  ])('%p yuan is %p fen', (yuan, fen) => {
    expect(toMinorUnits(yuan)).toBe(fen);
  });

  it.each([0.001, -1, 1e-7, NaN, Infinity, 1e13, 1e21])('rejects %p as a money amount', (v) => {
    expect(isMoneyAmount(v)).toBe(false);
    expect(() => toMinorUnits(v)).toThrow(RangeError);
  });

  it('reads -0 as 0', () => {
    expect(decimalText(-0)).toBe('0');
    expect(toMinorUnits(-0)).toBe(0);
  });

  it.each([[8990, '89.90'], [5, '0.05'], [0, '0.00'], [100, '1.00'], [-5, '-0.05']])('formats %p fen as %p', (fen, text) => {
    expect(formatMinorUnits(fen)).toBe(text);
  });
});

describe('money: a share rounds half-up to the fen', () => {
  it.each([
    [1005, 33, 332], [8990, 60, 5394], [8990, 0, 0], [8990, 100, 8990], [1, 50, 1], [3, 50, 2],
    [1000, 33.33, 333], [100, 12.5, 13], [0, 40, 0], [1000, 0.5, 5], [1, 49.99, 0],
  ])('%p fen × %p%% = %p fen', (minor, percent, expected) => {
    expect(shareOf(minor, percent)).toBe(expected);
  });
});
