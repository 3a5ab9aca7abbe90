/**
 * Duobaoyu open-API signature, after Duobaoyu's PHP SDK (docs/signing.md; `SignUtil::sign` and `recursionSort`,
 * docs/conformance.md): the SDK signs the PHP array `array_merge([method, appKey, timestamp, version],
 * $bizParam)`, which is `json_decode` of the body text. So the body is read as PHP reads it
 * (src/verify/php-values.ts): nulls dropped at every depth, a level `ksort`ed (PHP 8 order) only when all
 * its keys are strings, top-level values joined as `key=value` with `&` (scalars as PHP prints them: `true`
 * `1`, `false` empty, floats with 14 digits; arrays as `json_encode` text), the secret appended, `UPPER(MD5(...))`.
 *
 * ASSUMPTION: how the secret is appended (`&appSecret=<secret>`) is not public; the SDK's constant is
 * hidden. It lives in one named strategy, {@link appendAppSecretParam}, which callers may swap through
 * the `appendSecret` argument without touching the rest of the rule.
 */
import { createHash } from 'node:crypto';
import { signaturesEqual } from './constant-time';
import {
  type PhpArray, PhpJsonError, phpJsonDecode, phpJsonEncode, phpKeyCompare, phpScalarText, phpValueOf,
} from './php-values';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The system parameters that ride in the query string and take part in the sign. */
export interface DuobaoyuSystemParams {
  method: string;
  appKey: string;
  timestamp: string;
  version: string;
}

/** A body to sign: its exact JSON text (what is sent or received), a value that is sent as JSON.stringify'd, or PHP's array of it. */
export type DuobaoyuBody = string | Readonly<Record<string, unknown>> | PhpArray;

/** How the secret joins the string to hash. Swappable because the real rule is assumed. */
export type DuobaoyuSecretStrategy = (joined: string, appSecret: string) => string;

/** ASSUMED: the SDK appends `&appSecret=<secret>` (the literal `appSecret` is our guess). */
export const appendAppSecretParam: DuobaoyuSecretStrategy = (joined, appSecret) => `${joined}&appSecret=${appSecret}`;

/** The body as the PHP array the SDK signs. Throws PhpJsonError when it is not a JSON object or list. */
export function duobaoyuBodyArray(body: DuobaoyuBody): PhpArray {
  if (body instanceof Map) return body;
  const value = typeof body === 'string' ? phpJsonDecode(body) : phpValueOf(body);
  if (!(value instanceof Map)) throw new PhpJsonError('the body is not a JSON object');
  return value;
}

/** `array_merge`: string keys of `b` replace `a`'s in place, int keys are renumbered from 0 after `a`'s. */
function arrayMerge(a: PhpArray, b: PhpArray): PhpArray {
  const out: PhpArray = new Map();
  let next = 0n;
  for (const array of [a, b]) for (const [k, v] of array) out.set(typeof k === 'bigint' ? next++ : k, v);
  return out;
}

/** `recursionSort`: nulls removed at every depth; a level `ksort`ed only when all its keys are strings. */
function recursionSort(array: PhpArray): PhpArray {
  const out: PhpArray = new Map();
  for (const [k, v] of array) if (v !== null) out.set(k, v instanceof Map ? recursionSort(v) : v);
  if (![...out.keys()].every((k) => typeof k === 'string')) return out;
  return new Map([...out].sort(([a], [b]) => phpKeyCompare(a, b)));
}

/** The string that is hashed, without the secret: `afterSaleType=4&appKey=…&…`. */
export function duobaoyuStringToSign(system: DuobaoyuSystemParams, body: DuobaoyuBody): string {
  const merged = recursionSort(arrayMerge(new Map(Object.entries(system)), duobaoyuBodyArray(body)));
  return [...merged].map(([key, value]) => `${key}=${value instanceof Map ? phpJsonEncode(value) : phpScalarText(value)}`).join('&');
}

export function signDuobaoyu(
  system: DuobaoyuSystemParams,
  body: DuobaoyuBody,
  appSecret: string,
  appendSecret: DuobaoyuSecretStrategy = appendAppSecretParam,
): string {
  const text = appendSecret(duobaoyuStringToSign(system, body), appSecret);
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/** Constant-time check of a received sign (an outgoing request seen by a fake, or a push). Hex case-insensitive. */
export function verifyDuobaoyuSign(
  system: DuobaoyuSystemParams,
  body: DuobaoyuBody,
  appSecret: string,
  receivedSign: string,
  appendSecret: DuobaoyuSecretStrategy = appendAppSecretParam,
): boolean {
  return signaturesEqual(signDuobaoyu(system, body, appSecret, appendSecret), receivedSign.toUpperCase());
}
