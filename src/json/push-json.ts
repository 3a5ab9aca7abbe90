/**
 * A push's JSON as data, exactly as sent: numbers keep their text (lossless-json's LosslessNumber, never a
 * binary float), `__proto__` and `constructor` are ordinary keys (own data properties, as JSON.parse makes
 * them), a repeated key keeps its last value at its first place (as JSON.parse does), and strings are what
 * their escapes say (a lone surrogate `\ud800` stays one UTF-16 unit; src/domain/kept-text.ts says how it is
 * stored). Every reader of a pushed body parses it here: the Qimen edge, the route preview, the CLI.
 *
 * lossless-json's own parse builds every string a character at a time: 5 s for a 999,999-package push
 * where JSON.parse takes 1 s. So the structure is read here without recursion (any depth; validation
 * refuses deep bodies), each string found with indexOf and read by JSON.parse itself, each number matched
 * by the RFC 8259 grammar.
 * test/json/push-json.test.ts holds it to JSON.parse on generated and malformed documents.
 */
import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import { canonicalNumberText } from '../domain/decimal';

export { isLosslessNumber };

/** A JSON number: its text as sent (from parsePushJson) or, from a caller holding JSON.parse output, a JS number. */
export type JsonNumber = LosslessNumber | number;

/** Thrown for text that is not JSON, saying what was expected where. */
export class PushJsonError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const [QUOTE, BACKSLASH, COMMA, COLON, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY] = [...'"\\,:{}[]'].map((c) => c.charCodeAt(0));

const LITERALS = ['true', 'false', 'null'] as const;
const LITERAL_VALUES = { true: true, false: false, null: null } as const;

type Frame = { list: unknown[] } | { object: Record<string, unknown>; key: string };

/** Parses JSON text; throws PushJsonError when it is not JSON. */
export function parsePushJson(text: string): unknown {
  let at = 0;
  const fail = (expected: string): never => {
    throw new PushJsonError(`${expected} expected at position ${at}`);
  };
  const skipSpace = () => {
    for (let c = text.charCodeAt(at); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(at)) at++;
  };
  const readString = (): string => {
    if (text.charCodeAt(at) !== QUOTE) fail('a string');
    let end = at;
    for (;;) {
      end = text.indexOf('"', end + 1);
      if (end < 0) fail('the end of a string');
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    const token = text.slice(at, end + 1);
    let value: string;
    try {
      // JSON.parse reads the escapes and refuses control characters; it also makes a string of its own (a
      // slice of the body would be a SlicedString, which JSON.stringify and the drivers read more slowly).
      value = JSON.parse(token) as string;
    } catch {
      return fail('a valid string');
    }
    at = end + 1;
    return value;
  };
  const readKey = (): string => {
    const key = readString();
    skipSpace();
    if (text.charCodeAt(at) !== COLON) fail("':'");
    at++;
    skipSpace();
    return key;
  };
  const readScalar = (): unknown => {
    const c = text.charCodeAt(at);
    if (c === QUOTE) return readString();
    for (const word of LITERALS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return LITERAL_VALUES[word];
      }
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number === null) return fail('a JSON value');
    at += number[0].length;
    return new LosslessNumber(number[0]);
  };

  const stack: Frame[] = [];
  skipSpace();
  for (;;) {
    let value: unknown;
    const c = text.charCodeAt(at);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      at++;
      skipSpace();
      if (text.charCodeAt(at) === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        at++;
        value = c === OPEN_OBJECT ? {} : [];
      } else {
        stack.push(c === OPEN_OBJECT ? { object: {}, key: readKey() } : { list: [] });
        continue;
      }
    } else {
      value = readScalar();
    }
    // The value is complete: it goes into the containers it closes, up to one that takes another value.
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (at < text.length) fail('the end of the JSON text');
        return value;
      }
      const next = text.charCodeAt(at);
      at++;
      if ('list' in top) {
        top.list.push(value);
        if (next === COMMA) break;
        if (next !== CLOSE_ARRAY) fail("',' or ']'");
        value = top.list;
      } else {
        setKey(top.object, top.key, value);
        if (next === COMMA) {
          skipSpace();
          top.key = readKey();
          break;
        }
        if (next !== CLOSE_OBJECT) fail("',' or '}'");
        value = top.object;
      }
      stack.pop();
    }
    skipSpace();
  }
}

/** Sets a key as JSON.parse does: an own data property, "__proto__" included; a repeated key keeps its place. */
function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** A stored push body (UTF-8 bytes, as received) parsed as the Qimen edge parsed it. */
export function parsePushBody(body: Buffer): unknown {
  return parsePushJson(body.toString('utf8'));
}

/** The decimal text of a JSON number (its text as sent, or a JS number's shortest form); null for anything else. */
export function numberText(value: unknown): string | null {
  if (isLosslessNumber(value)) return (value as LosslessNumber).value;
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  return null;
}

/** A parsed number's text for comparing and showing parsed JSON (src/domain/decimal.ts canonicalNumberText). */
export function canonicalNumber(value: JsonNumber): string {
  return typeof value === 'number' ? JSON.stringify(value) : canonicalNumberText(value.value);
}

/** True for the leaves of parsed JSON: everything but objects and arrays (a LosslessNumber is a leaf). */
export function isJsonLeaf(value: unknown): boolean {
  return value === null || typeof value !== 'object' || isLosslessNumber(value);
}

/**
 * Parsed JSON as JSON text, object keys in their own order: numbers by canonicalNumber (a LosslessNumber
 * is never written as an object), strings as JSON.stringify writes them.
 */
export function stringifyPushJson(value: unknown): string {
  if (isJsonLeaf(value)) return isLosslessNumber(value) ? canonicalNumber(value as LosslessNumber) : JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stringifyPushJson).join(',')}]`;
  return `{${Object.keys(value as object).map((k) => `${JSON.stringify(k)}:${stringifyPushJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
