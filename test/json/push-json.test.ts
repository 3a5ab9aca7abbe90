import fc from 'fast-check';
import { isLosslessNumber } from 'lossless-json';
import { numberText, parsePushJson, PushJsonError, stringifyPushJson } from '../../src/json/push-json';

/** Parsed push JSON with every number as JSON.parse would have read it from its text. */
function asFloats(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(numberText(value));
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(asFloats);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) Object.defineProperty(out, k, { value: asFloats((value as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

describe('push JSON: parsed as JSON.parse parses, numbers kept as sent', () => {
  it('reads 3,000 generated JSON documents as JSON.parse does, apart from the numbers\' text', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary', maxDepth: 6 }), (text) => {
        expect(asFloats(parsePushJson(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    '', ' ', '{', '{"a":1,}', '[1,]', '01', '1.', '.1', '+1', 'NaN', "'a'", '"\t"', '"\\x"', '"\\u12"', '\u00a0{}', '{}x', 'tru', '"a', '[1 2]',
    '{"a" 1}', '{a:1}', '\ufeff{}', '[1e]', '-', '"\u0000"',
  ])('refuses %j, as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parsePushJson(text)).toThrow(PushJsonError);
  });

  it('keeps every number\'s text as sent', () => {
    const parsed = parsePushJson('{"a":89.9999999999999999,"b":[12.345,1e2,-0,9007199254740993]}') as { a: unknown; b: unknown[] };
    expect([parsed.a, ...parsed.b].map(numberText)).toEqual(['89.9999999999999999', '12.345', '1e2', '-0', '9007199254740993']);
  });

  it('keeps the last of repeated keys, as JSON.parse does', () => {
    expect(parsePushJson('{"a":1,"a":{"b":2},"a":"last"}')).toEqual({ a: 'last' });
  });

  it('keeps __proto__ and constructor as ordinary keys, reaching no prototype', () => {
    const parsed = parsePushJson('{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}') as object;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('keeps a lone surrogate as the one UTF-16 unit its escape says', () => {
    expect(parsePushJson('["\\ud800","\\udc00","\\ud83d\\ude00"]')).toEqual(['\ud800', '\udc00', '😀']);
  });

  it('reads a body nested 200,000 deep without a stack overflow (validation refuses it)', () => {
    let parsed = parsePushJson('['.repeat(200_000) + '1' + ']'.repeat(200_000));
    for (let depth = 0; depth < 200_000; depth++) parsed = (parsed as unknown[])[0];
    expect(numberText(parsed)).toBe('1');
  });

  it('writes parsed JSON back with numbers as their canonical text', () => {
    expect(stringifyPushJson(parsePushJson('{"b":89.90,"a":[12.345,{"__proto__":1e2}],"s":"\\ud800"}'))).toBe('{"b":89.9,"a":[12.345,{"__proto__":100}],"s":"\\ud800"}');
  });
});
