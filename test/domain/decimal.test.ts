import { canonicalNumberText, decimalExceeds, decimalPlaces, parseDecimal, scaledHalfUp } from '../../src/domain/decimal';
import { amountToMinorUnits } from '../../src/domain/money';

describe('decimal: JSON number text read exactly', () => {
  it.each(['', '1.', '.5', '+1', '01', '1e', '--1', 'NaN', 'Infinity', '0x10', '1_000', ' 1'])('refuses %j, which is no JSON number', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });

  it.each([
    ['0', false, '', 0], ['-0', false, '', 0], ['0.000', false, '', 0], ['89.90', false, '899', 2], ['1e2', false, '1', 3],
    ['0.05', false, '5', -1], ['-12.345', true, '12345', 2], ['1.2345E+1', false, '12345', 2], ['0e999999999999999999999', false, '', 0],
  ])('reads %j as sign %p, digits %j, point after %p digits', (text, negative, digits, exponent) => {
    expect(parseDecimal(text)).toEqual({ negative, digits, exponent });
  });

  it.each([['89.90', 1], ['89.900', 1], ['12.345', 3], ['1e2', 0], ['1e-400', 400], ['0.000', 0]])('%j has %p decimal places in value', (text, places) => {
    expect(decimalPlaces(parseDecimal(text)!)).toBe(places);
  });
});

describe('decimal: rounding half-up to a scale, in integers', () => {
  it.each([
    ['12.345', 2, 1235, false], ['12.344', 2, 1234, false], ['12.3449999999', 2, 1234, false], ['89.9999999999999999', 2, 9000, false],
    ['89.9', 2, 8990, true], ['89.90', 2, 8990, true], ['0.005', 2, 1, false], ['0.004999', 2, 0, false], ['1e-400', 2, 0, false],
    ['999999999999.995', 2, 100000000000000, false], ['1.2345e1', 2, 1235, false], ['749', 0, 749, true], ['749.5', 0, 750, false],
    ['-0', 2, 0, true],
  ])('%j at %p places is %p (exact: %p)', (text, places, value, exact) => {
    expect(scaledHalfUp(parseDecimal(text)!, places)).toEqual({ value, exact });
  });

  it('refuses to scale a value whose integer part has more than 15 digits (the caller checks the range first)', () => {
    expect(() => scaledHalfUp(parseDecimal('90071992547409.93')!, 2)).toThrow(RangeError);
    expect(() => scaledHalfUp(parseDecimal('1e300')!, 2)).toThrow(RangeError);
  });
});

describe('decimal: compared exactly with an integer bound', () => {
  it.each([
    ['1000000000000', false], ['1000000000000.00', false], ['1000000000000.001', true], ['1e12', false], ['1.0000000000001e12', true],
    ['99999999999999999999999', true], ['1e99999999999999999999', true], ['0.5', false], ['1e-99999999999999999999', false],
  ])('%j exceeds 10^12: %p', (text, exceeds) => {
    expect(decimalExceeds(parseDecimal(text)!, 1_000_000_000_000)).toBe(exceeds);
  });
});

describe('decimal: canonical text for comparing parsed JSON', () => {
  it.each([
    ['89.90', '89.9'], ['89.9', '89.9'], ['1e2', '100'], ['-0', '0'], ['0.000', '0'], ['12.345', '12.345'], ['1E+21', '1e+21'],
  ])('%j, which a binary float holds as its shortest text, reads as JSON.stringify would write it: %j', (text, canonical) => {
    expect(canonicalNumberText(text)).toBe(canonical);
  });

  it.each(['89.9999999999999999', '9007199254740993', '1e400', '1e-400', '0.1000000000000000055511151231257827'])('keeps %j, which a float would change, as written', (text) => {
    expect(canonicalNumberText(text)).toBe(text);
  });

  it.each(['0', '7', '-7', '749', '100', '-100', '999999999999999', '-999999999999999', '123456789012345', '-0'])(
    'reads the integer %j as JSON.stringify writes its float',
    (text) => {
      expect(canonicalNumberText(text)).toBe(JSON.stringify(Number(text)));
    },
  );

  it.each(['01', '1.0', '-01', '9999999999999999', '1234567890123456789'])('reads %j, which is no short integer as written, by the general rule', (text) => {
    const float = JSON.stringify(Number(text));
    expect(canonicalNumberText(text)).toBe(parseDecimal(float)!.digits === parseDecimal(text)?.digits && parseDecimal(float)!.exponent === parseDecimal(text)?.exponent ? float : text);
  });

  it('never gives two different values the same text', () => {
    expect(canonicalNumberText('89.9999999999999999')).not.toBe(canonicalNumberText('90'));
    expect(canonicalNumberText('9007199254740993')).not.toBe(canonicalNumberText('9007199254740992'));
  });
});

describe('money: an amount as its exact text, in fen rounded half-up', () => {
  it.each([
    ['12.345', 1235, true], ['89.9999999999999999', 9000, true], ['89.90', 8990, false], ['10.05', 1005, false], ['89.900', 8990, false],
    ['0.001', 0, true],
  ])('%j yuan is %p fen (sub-fen: %p)', (text, minor, subFen) => {
    expect(amountToMinorUnits(text)).toEqual({ minor, subFen });
  });
});
