/**
 * A push's JSON as data, exactly as sent: numbers keep their text (lossless-json's LosslessNumber, never a
 * binary float), `__proto__` and `constructor` are ordinary keys (own data properties, as JSON.parse makes
 * them), a repeated key keeps its last value (as JSON.parse does), and strings are what their escapes say
 * (a lone surrogate `\ud800` stays one UTF-16 unit; src/domain/kept-text.ts says how it is stored).
 * Every reader of a pushed body parses it here: the Qimen edge, the route preview, the CLI.
 */
import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';
import { canonicalNumberText } from '../domain/decimal';

export { isLosslessNumber };

/** A JSON number: its text as sent (from parsePushJson) or, from a caller holding JSON.parse output, a JS number. */
export type JsonNumber = LosslessNumber | number;

/** Thrown for text that is not JSON; `nestedTooDeep` when it nests deeper than a parser's stack allows. */
export class PushJsonError extends Error {
  constructor(message: string, readonly nestedTooDeep = false) {
    super(message);
  }
}

const lastWins = ({ newValue }: { newValue: unknown }) => newValue;

/** Parses JSON text; throws PushJsonError when it is not JSON. */
export function parsePushJson(text: string): unknown {
  try {
    return parse(text, null, { onDuplicateKey: lastWins });
  } catch (err) {
    // The parser descends recursively: a body nested some thousands deep overflows its stack.
    if (err instanceof RangeError) throw new PushJsonError('nested too deep', true);
    throw new PushJsonError((err as Error).message);
  }
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
