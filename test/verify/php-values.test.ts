import { PHP_JSON_MAX_DEPTH, PhpJsonError, phpFloatText, phpJsonDecode, phpJsonEncode, phpKeyCompare } from '../../src/verify/php-values';

// Expected texts are PHP 8.2's own ((string)$f with precision 14, json_encode with serialize_precision -1).
describe('PHP float printing', () => {
  it.each([
    [100000000000005, '1.0000000000000E+14', '100000000000005'],
    [824124001152705, '8.2412400115270E+14', '824124001152705'],
    [824124001152715, '8.2412400115272E+14', '824124001152715'],
    [123456789012345, '1.2345678901234E+14', '123456789012345'],
    [12345678901234.5, '12345678901234', '12345678901234.5'],
    [1234567890123.25, '1234567890123.2', '1234567890123.25'],
    [99999999999999.5, '1.0E+14', '99999999999999.5'],
    [10.00000000000005, '10', '10.00000000000005'],
    [0.000123456789012345, '0.00012345678901234', '0.000123456789012345'],
    [1e21, '1.0E+21', '1.0e+21'],
    [1, '1', '1'],
  ])('%p prints as %p, and json_encode writes %p', (value, text, json) => {
    expect(phpFloatText(value, 14, 'E')).toBe(text);
    expect(phpFloatText(value, 'shortest', 'e')).toBe(json);
  });
});

describe('PHP json_decode and json_encode', () => {
  it('keeps the order of integer-like keys as written, which a JavaScript object would not', () => {
    expect(phpJsonEncode(phpJsonDecode('{"b":1,"1":2,"a":3}'))).toBe('{"b":1,"1":2,"a":3}');
  });

  it('reads integers within 64 bits exactly and larger ones as floats', () => {
    expect(phpJsonDecode('9007199254740993')).toBe(9007199254740993n);
    expect(phpJsonDecode('12345678901234567890')).toBe(Number('12345678901234567890')); // the nearest double, as PHP reads it
  });

  it('writes {} as [] and an object with keys 0 and 1 as a list, as PHP does', () => {
    expect(phpJsonEncode(phpJsonDecode('{}'))).toBe('[]');
    expect(phpJsonEncode(phpJsonDecode('{"0":"a","1":"b"}'))).toBe('["a","b"]');
  });

  it(`decodes arrays and objects nested ${PHP_JSON_MAX_DEPTH} deep, json_decode's default depth`, () => {
    const text = '['.repeat(PHP_JSON_MAX_DEPTH - 1) + '{"a":1}' + ']'.repeat(PHP_JSON_MAX_DEPTH - 1);
    expect(phpJsonEncode(phpJsonDecode(text))).toBe(text);
  });

  it.each([PHP_JSON_MAX_DEPTH + 1, 3_000, 100_000])('refuses nesting %p deep as json_decode does, without running out of stack', (depth) => {
    expect(() => phpJsonDecode('['.repeat(depth) + ']'.repeat(depth))).toThrow(PhpJsonError);
  });

  it('refuses text that is not JSON', () => {
    expect(() => phpJsonDecode('{"a":1,}')).toThrow();
  });
});

describe('PHP 8 ksort order', () => {
  it('orders numeric strings by value and other strings byte by byte', () => {
    expect(['x', '10.5', '9.5'].sort(phpKeyCompare)).toEqual(['9.5', '10.5', 'x']);
    expect([10n, 'apikey', 9n].sort(phpKeyCompare)).toEqual([9n, 10n, 'apikey']);
  });
});
