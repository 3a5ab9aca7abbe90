import { amountToMinorUnits, formatMinorUnits, percentToBasisPoints, shareOfBasisPoints } from '../../src/domain/money';

describe('money: amounts as written to integer minor units', () => {
  it.each([
    ['0', 0], ['1', 100], ['89.9', 8990], ['89.90', 8990], ['10.05', 1005], ['0.1', 10], ['0.29', 29], ['1.15', 115], ['749', 74900],
    ['999999999999.99', 99999999999999], ['-0', 0], ['1e2', 10000],
  ])('%s yuan is %p fen, exactly', (yuan, fen) => {
    expect(amountToMinorUnits(yuan)).toEqual({ minor: fen, subFen: false });
  });

  it.each(['NaN', 'Infinity', '1e13', '1e21', '89.9.9', ''])('refuses %j as a money amount', (text) => {
    expect(() => amountToMinorUnits(text)).toThrow(RangeError);
  });

  it.each([[8990, '89.90'], [5, '0.05'], [0, '0.00'], [100, '1.00'], [-5, '-0.05']])('formats %p fen as %p', (fen, text) => {
    expect(formatMinorUnits(fen)).toBe(text);
  });
});

describe('money: ratios as written to basis points', () => {
  it.each([['100', 10000], ['33.33', 3333], ['12.5', 1250], ['0', 0], ['33.330', 3333], ['33.333', null], ['33.3300000000000000001', null]])('%s%% is %p bp', (text, bp) => {
    expect(percentToBasisPoints(text)).toBe(bp);
  });
});

describe('money: a share rounds half-up to the fen', () => {
  it.each([
    [1005, 3300, 332], [8990, 6000, 5394], [8990, 0, 0], [8990, 10000, 8990], [1, 5000, 1], [3, 5000, 2],
    [1000, 3333, 333], [100, 1250, 13], [0, 4000, 0], [1000, 50, 5], [1, 4999, 0],
  ])('%p fen × %p bp = %p fen', (minor, bp, expected) => {
    expect(shareOfBasisPoints(minor, bp)).toBe(expected);
  });
});
