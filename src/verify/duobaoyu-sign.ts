/**
 * Duobaoyu open-API signature, after Duobaoyu's PHP SDK (docs/signing.md):
 * merge the system params `{method, appKey, timestamp, version}` with the JSON body, drop nulls
 * recursively, sort object keys byte-wise at every depth (arrays keep their order), join the top-level
 * pairs as `key=value` with `&` (objects/arrays as JSON text with unescaped slashes and unicode; top-level
 * `true`/`false` as PHP prints them: `1` / empty), append the secret, `UPPER(MD5(...))`.
 *
 * ASSUMPTION: how the secret is appended (`&appSecret=<secret>`) is not public; the SDK's constant is
 * hidden. It lives in one named strategy, {@link appendAppSecretParam}, which callers may swap through
 * the `appendSecret` argument without touching the rest of the rule.
 */
import { createHash } from 'node:crypto';
import { signaturesEqual } from './constant-time';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The system parameters that ride in the query string and take part in the sign. */
export interface DuobaoyuSystemParams {
  method: string;
  appKey: string;
  timestamp: string;
  version: string;
}

/** How the secret joins the string to hash. Swappable because the real rule is assumed. */
export type DuobaoyuSecretStrategy = (joined: string, appSecret: string) => string;

/** ASSUMED: the SDK appends `&appSecret=<secret>` (the literal `appSecret` is our guess). */
export const appendAppSecretParam: DuobaoyuSecretStrategy = (joined, appSecret) => `${joined}&appSecret=${appSecret}`;

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Drops null/undefined object values at every depth and sorts object keys byte-wise; arrays keep order. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(byteOrder)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== null && v !== undefined) out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

/** PHP string conversion of a top-level value. JSON.stringify leaves slashes and non-ASCII unescaped. */
function phpText(value: unknown): string {
  if (value === true) return '1';
  if (value === false) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The string that is hashed, without the secret: `afterSaleType=4&appKey=…&…`. */
export function duobaoyuStringToSign(system: DuobaoyuSystemParams, body: Readonly<Record<string, unknown>>): string {
  const merged = normalise({ ...system, ...body }) as Record<string, unknown>;
  return Object.entries(merged)
    .map(([key, value]) => `${key}=${phpText(value)}`)
    .join('&');
}

export function signDuobaoyu(
  system: DuobaoyuSystemParams,
  body: Readonly<Record<string, unknown>>,
  appSecret: string,
  appendSecret: DuobaoyuSecretStrategy = appendAppSecretParam,
): string {
  const text = appendSecret(duobaoyuStringToSign(system, body), appSecret);
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/** Constant-time check of a received sign (an outgoing request seen by a fake, or a push). */
export function verifyDuobaoyuSign(
  system: DuobaoyuSystemParams,
  body: Readonly<Record<string, unknown>>,
  appSecret: string,
  receivedSign: string,
  appendSecret: DuobaoyuSecretStrategy = appendAppSecretParam,
): boolean {
  return signaturesEqual(signDuobaoyu(system, body, appSecret, appendSecret), receivedSign.toUpperCase());
}
