import fc from 'fast-check';
import { parsePushJson } from '../../src/json/push-json';
import { canonicalHash, canonicalJson, canonicalSha256, HASH_IN_PIECES_ABOVE_BYTES, sha256Hex } from '../../src/storage/canonical-json';

/** What the stored content hashes were made with (and still are compared against). */
const reference = (value: unknown) => sha256Hex(canonicalJson(value));

describe('canonicalSha256 (the content hash without the whole canonical text)', () => {
  it('hashes exactly as sha256(canonicalJson) for 3,000 generated JSON documents, parsed from text as pushes are', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary', maxDepth: 6 }), (text) => {
        const value = JSON.parse(text);
        expect(canonicalSha256(value)).toBe(reference(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees where JavaScript objects are odd: integer-like keys, "__proto__", "toJSON", -0, 1e309, lone surrogates', () => {
    const texts = [
      '{"b":1,"10":2,"2":3,"a":{"1":true,"01":false,"x":null}}',
      '{"__proto__":{"polluted":1},"k":"v"}',
      '{"__proto__":7,"k":[1,{"__proto__":[]}]}',
      '{"toJSON":1,"valueOf":"x","constructor":{"prototype":2}}',
      '[-0,0,1e309,-1e309,1.5e-7,12345678901234567890]',
      '{"s":"\\ud800 lone, \\udfff lone, 😀 pair, 丹鸟, \\u0000 \\u001f \\"quoted\\" back\\\\slash"}',
      '"just a string"',
      '42',
      'null',
      '[]',
      '{}',
    ];
    for (const text of texts) expect({ text, hash: canonicalSha256(JSON.parse(text)) }).toEqual({ text, hash: reference(JSON.parse(text)) });
  });

  it('agrees on a push with 999,999 package numbers, whose text is hashed in many pieces', () => {
    const value = { tenantId: 'MAOCHAO', responsibilityPackageNos: Array.from({ length: 999_999 }, (_, i) => String(75_000_000_000_000 + i)), z: { b: 1, a: 2 } };
    expect(canonicalSha256(value)).toBe(reference(value));
  });

  it('tells apart documents that differ in one value, and not documents that differ only in key order', () => {
    const a = JSON.parse('{"x":1,"y":{"p":"q","r":[1,2]}}');
    expect(canonicalSha256(a)).toBe(canonicalSha256(JSON.parse('{"y":{"r":[1,2],"p":"q"},"x":1}')));
    expect(canonicalSha256(a)).not.toBe(canonicalSha256(JSON.parse('{"x":1,"y":{"p":"q","r":[2,1]}}')));
  });

  it('is what canonicalHash gives for bodies on either side of the piecewise threshold', () => {
    const value = JSON.parse('{"b":[1,"二",{"d":null,"c":true}],"a":-0.5}');
    expect(canonicalHash(value, HASH_IN_PIECES_ABOVE_BYTES)).toBe(reference(value));
    expect(canonicalHash(value, HASH_IN_PIECES_ABOVE_BYTES + 1)).toBe(reference(value));
  });
});

/**
 * How content hashes were computed before numbers were read as decimals: JSON.parse, then JSON.stringify
 * with each object's keys inserted in sorted order (an assigned "__proto__" was lost there).
 */
const hashBeforeDecimals = (text: string) =>
  sha256Hex(JSON.stringify(JSON.parse(text), (_key, v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = v[k];
    return sorted;
  }));

describe('content hash of a push parsed with its numbers as sent', () => {
  it('is the hash stored before, for 3,000 generated documents whose numbers a float holds exactly (no "__proto__")', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary', maxDepth: 6 }).filter((text) => !text.includes('"__proto__"')), (text) => {
        expect(canonicalHash(parsePushJson(text), text.length)).toBe(hashBeforeDecimals(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('is the hash stored before for numbers written with trailing zeros or exponents: 89.90 is 89.9, 1e2 is 100', () => {
    const text = '{"b":89.90,"a":[1e2,-0,0.000,1E+21,1.5e-7]}';
    expect(canonicalHash(parsePushJson(text), text.length)).toBe(hashBeforeDecimals(text));
  });

  it.each([
    ['{"a":89.9999999999999999}', '{"a":90}'],
    ['{"a":9007199254740993}', '{"a":9007199254740992}'],
    ['{"a":1e400}', '{"a":null}'],
    ['{"__proto__":{"x":1}}', '{"__proto__":{"x":2}}'],
    ['{"k":{"__proto__":1}}', '{"k":{}}'],
  ])('tells apart %s and %s, which a float or an assigned __proto__ merged', (a, b) => {
    expect(canonicalHash(parsePushJson(a), a.length)).not.toBe(canonicalHash(parsePushJson(b), b.length));
    expect(canonicalSha256(parsePushJson(a))).toBe(sha256Hex(canonicalJson(parsePushJson(a))));
  });
});
