import fc from 'fast-check';
import { keptText } from '../../src/domain/kept-text';

const isWellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** Strings of UTF-16 units drawn mostly from the ones that matter here: surrogates, backslashes, "u", hex digits. */
const tricky = fc.string({ unit: fc.oneof(fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\\', 'u', 'd', 'D', '8', 'c', 'f', '0', 'A', '😀'), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })), maxLength: 12 });

describe('kept text: how a pushed string is stored and shown', () => {
  it.each([['ORDER-1', 'ORDER-1'], ['丹鸟 😀', '丹鸟 😀'], ['C:\\dir', 'C:\\dir'], ['\\u00e9', '\\u00e9']])('keeps the well-formed %j as sent', (value, kept) => {
    expect(keptText(value)).toBe(kept);
  });

  it.each([
    ['A\ud800', 'A\\ud800'], ['A\udc00', 'A\\udc00'], ['\udfff\ud800', '\\udfff\\ud800'], ['a\\b\ud800', 'a\\\\b\\ud800'], ['😀\ud83d', '😀\\ud83d'],
  ])('writes %j, which holds a lone surrogate, as its JSON escape text %j', (value, kept) => {
    expect(keptText(value)).toBe(kept);
  });

  it('escapes a well-formed string that reads like that escape text, so the two never meet', () => {
    expect(keptText('A\\ud800')).toBe('A\\\\ud800');
    expect(keptText('A\\ud800')).not.toBe(keptText('A\ud800'));
  });

  /** Reads kept text back: escape text (it holds a surrogate's escape) is decoded, other text is as sent. */
  const unkept = (kept: string) =>
    /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/.test(kept) ? kept.replace(/\\(\\|u[0-9a-f]{4})/g, (_m, e: string) => (e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16)))) : kept;

  it('keeps well-formed text from which the string sent is read back: no two strings are kept as the same text (generated)', () => {
    fc.assert(
      fc.property(tricky, (value) => {
        const kept = keptText(value);
        expect(isWellFormed(kept)).toBe(true);
        expect(unkept(kept)).toBe(value);
      }),
      { numRuns: 20_000 },
    );
  });
});
