/**
 * PHP's view of a JSON body, for the signs that PHP SDKs compute over `json_decode($text, true)`
 * (Duobaoyu's SignUtil, Glitzcloud's Core::sign; docs/conformance.md). A value is read from the JSON
 * text itself, never through a JavaScript object or float: key order is kept as PHP keeps it (JavaScript
 * puts integer-like keys first), integers are exact 64-bit ints, and floats are printed as PHP prints them.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';

/** A PHP array: ordered, with int keys (as bigint) and string keys. */
export type PhpArray = Map<PhpKey, PhpValue>;
export type PhpKey = bigint | string;
/** string, bool, null, int (bigint), float (number), array. */
export type PhpValue = string | boolean | null | bigint | number | PhpArray;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const inInt64 = (n: bigint) => n >= INT64_MIN && n <= INT64_MAX;

/** A key that PHP stores as an int: a canonical decimal integer within 64 bits ("1", not "01", "-0", "1.5"). */
export function phpArrayKey(key: string): PhpKey {
  if (!/^(0|-?[1-9][0-9]*)$/.test(key)) return key;
  const n = BigInt(key);
  return inInt64(n) ? n : key;
}

export class PhpJsonError extends Error {}

/** `json_decode`'s default `$depth`: arrays and objects nested deeper make it fail (null, JSON_ERROR_DEPTH). */
export const PHP_JSON_MAX_DEPTH = 512;

/**
 * `json_decode($text, true)`: objects and lists as PHP arrays, integers within 64 bits as ints, other numbers
 * as floats. Throws PhpJsonError for what PHP cannot decode, nesting deeper than its default depth included
 * (so nothing built from the result recurses deeper than that).
 */
export function phpJsonDecode(text: string): PhpValue {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (err) {
    if (err instanceof RangeError) throw new PhpJsonError(`nested deeper than ${PHP_JSON_MAX_DEPTH}`); // the parser ran out of stack
    throw err;
  }
  if (!root || errors.length > 0) throw new PhpJsonError(`not JSON (at offset ${errors[0]?.offset ?? 0})`);
  return fromNode(root, text, 0);
}

function fromNode(node: Node, text: string, depth: number): PhpValue {
  if ((node.type === 'object' || node.type === 'array') && depth >= PHP_JSON_MAX_DEPTH) throw new PhpJsonError(`nested deeper than ${PHP_JSON_MAX_DEPTH}`);
  switch (node.type) {
    case 'object': {
      const out: PhpArray = new Map();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        out.set(phpArrayKey(String(key.value)), fromNode(value, text, depth + 1)); // a repeated key keeps its first place, PHP's too
      }
      return out;
    }
    case 'array':
      return new Map((node.children ?? []).map((child, i) => [BigInt(i), fromNode(child, text, depth + 1)] as const));
    case 'number': {
      const literal = text.slice(node.offset, node.offset + node.length);
      if (/^-?[0-9]+$/.test(literal) && inInt64(BigInt(literal))) return BigInt(literal);
      return Number(literal); // a decimal literal, correctly rounded as PHP's zend_strtod does
    }
    case 'string':
      return String(node.value);
    case 'boolean':
      return Boolean(node.value);
    default:
      return null;
  }
}

/**
 * PHP's `php_gcvt`: a float with `precision` significant digits (14: PHP's `precision`, for string
 * conversion) or the shortest that reads back the same (`'shortest'`: `serialize_precision = -1`, for
 * json_encode), in exponential form when the exponent is below -4 or at least the digit count (17 for the
 * shortest), e.g. `12.345678901235`, `1.0E+21`, `1.2345678901234567e+19`, `1`.
 */
export function phpFloatText(value: number, precision: number | 'shortest', exponentChar: 'E' | 'e'): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0`;
  const { digits, decpt } = precision === 'shortest' ? shortestDigits(Math.abs(value)) : roundedDigits(Math.abs(value), precision);
  const ndigit = precision === 'shortest' ? 17 : precision;
  if (decpt < 0 ? decpt < -3 : decpt > ndigit) {
    const e = decpt - 1;
    return `${sign}${digits[0]}.${digits.slice(1) || '0'}${exponentChar}${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  const whole = digits.slice(0, decpt).padEnd(decpt, '0');
  const fraction = digits.slice(decpt);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The shortest digits that read back as `x` (zend_dtoa mode 0; JavaScript's own shortest form). */
function shortestDigits(x: number): { digits: string; decpt: number } {
  const [mantissa, exponent] = x.toExponential().split('e');
  return { digits: mantissa.replace('.', ''), decpt: Number(exponent) + 1 };
}

/** The exact decimal digits of a positive finite double (every double is a finite decimal), and where the point goes. */
function exactDigits(x: number): { digits: string; decpt: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075; // x = mantissa × 2^e2
  if (e2 >= 0) {
    const digits = (mantissa << BigInt(e2)).toString();
    return { digits, decpt: digits.length };
  }
  const digits = (mantissa * 5n ** BigInt(-e2)).toString(); // x = digits × 10^e2
  return { digits, decpt: digits.length + e2 };
}

/**
 * zend_dtoa mode 2: `x` correctly rounded to `n` significant digits, an exact tie to even. Trailing zeros
 * are dropped, except after a tie rounded down, where PHP's dtoa keeps them (824124001152705.0 prints as
 * 8.2412400115270E+14).
 */
function roundedDigits(x: number, n: number): { digits: string; decpt: number } {
  const exact = exactDigits(x);
  const digits = exact.digits.replace(/0+$/, '');
  if (digits.length <= n) return { digits, decpt: exact.decpt };
  const head = digits.slice(0, n);
  const rest = digits.slice(n);
  const tie = rest === '5';
  const up = rest[0] > '5' || (rest[0] === '5' && (!tie || Number(head[n - 1]) % 2 === 1));
  if (!up) return { digits: tie ? head : head.replace(/0+$/, ''), decpt: exact.decpt };
  const bumped = (BigInt(head) + 1n).toString();
  const carried = bumped.length > n;
  return { digits: bumped.slice(0, n).replace(/0+$/, '') || '0', decpt: exact.decpt + (carried ? 1 : 0) };
}

/** PHP's string conversion of a scalar (`"{$v}"`): true `1`, false and null empty, floats with precision 14. */
export function phpScalarText(value: Exclude<PhpValue, PhpArray>): string {
  if (value === true) return '1';
  if (value === false || value === null) return '';
  if (typeof value === 'number') return phpFloatText(value, 14, 'E');
  return String(value);
}

/** `json_encode` failed (INF or NAN inside): PHP returns false, which prints as an empty string. */
class JsonEncodeFailure extends Error {}

/** A PHP array is a JSON list when its keys are exactly 0, 1, … in order. */
function isList(array: PhpArray): boolean {
  let i = 0n;
  for (const key of array.keys()) if (key !== i++) return false;
  return true;
}

function encode(value: PhpValue): string {
  if (value instanceof Map) {
    if (isList(value)) return `[${[...value.values()].map(encode).join(',')}]`;
    return `{${[...value].map(([k, v]) => `${encodeString(String(k))}:${encode(v)}`).join(',')}}`;
  }
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonEncodeFailure();
    return phpFloatText(value, 'shortest', 'e');
  }
  return value === null ? 'null' : String(value);
}

/** JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE, which still escapes U+2028 and U+2029. */
function encodeString(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** `json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)`, or '' where PHP returns false. */
export function phpJsonEncode(value: PhpValue): string {
  try {
    return encode(value);
  } catch (err) {
    if (err instanceof JsonEncodeFailure) return '';
    throw err;
  }
}

const NUMERIC = /^[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*$/;
const byteCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * `ksort($a)` with the default flags, PHP 8: two ints by value; two numeric strings by value; an int and a
 * numeric string by value; anything else as strings, byte by byte.
 */
export function phpKeyCompare(a: PhpKey, b: PhpKey): number {
  const numeric = (k: PhpKey) => typeof k === 'bigint' || NUMERIC.test(k);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (numeric(a) && numeric(b)) return Math.sign(Number(a) - Number(b));
  return byteCompare(String(a), String(b));
}

/** A JavaScript value as PHP would decode its JSON text (what the service sends is that text). */
export function phpValueOf(value: unknown): PhpValue {
  return phpJsonDecode(JSON.stringify(value));
}
