import fc from 'fast-check';
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
