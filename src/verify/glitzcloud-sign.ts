/**
 * Glitzcloud `saleAfter/add` signature, after `Core::sign` of the TWUSA PHP SDK (docs/signing.md;
 * docs/conformance.md): the parameters as PHP decodes the JSON body (src/verify/php-values.ts), with
 * `apikey` and `secretkey` put in and `sign` and `attachments` left out (无须参与签名), `ksort`ed (PHP 8
 * default order: integer keys by value), then `key + value` with no separators, each value as PHP prints it
 * (`true` → `1`, `false` and null → empty, floats with 14 digits, a nested object or list → `Array`);
 * `lowercase MD5`.
 */
import { createHash } from 'node:crypto';
import { signaturesEqual } from './constant-time';
import { type PhpArray, PhpJsonError, phpJsonDecode, phpKeyCompare, phpScalarText, phpValueOf } from './php-values';

export interface GlitzcloudCredentials {
  apikey: string;
  secretkey: string;
}

/** Keys never signed. */
export const GLITZCLOUD_UNSIGNED_KEYS: readonly string[] = ['sign', 'attachments'];

/** The parameters: a request body's exact JSON text, or a value that is sent as its JSON.stringify text. */
export type GlitzcloudParams = string | Readonly<Record<string, unknown>>;

function paramsArray(params: GlitzcloudParams): PhpArray {
  const value = typeof params === 'string' ? phpJsonDecode(params) : phpValueOf(params);
  if (!(value instanceof Map)) throw new PhpJsonError('the parameters are not a JSON object');
  return value;
}

export function glitzcloudStringToSign(params: GlitzcloudParams, credentials: GlitzcloudCredentials): string {
  const array = new Map(paramsArray(params));
  for (const key of GLITZCLOUD_UNSIGNED_KEYS) array.delete(key);
  array.set('apikey', credentials.apikey).set('secretkey', credentials.secretkey);
  return [...array]
    .sort(([a], [b]) => phpKeyCompare(a, b))
    .map(([key, value]) => `${key}${value instanceof Map ? 'Array' : phpScalarText(value)}`)
    .join('');
}

export function signGlitzcloud(params: GlitzcloudParams, credentials: GlitzcloudCredentials): string {
  return createHash('md5').update(glitzcloudStringToSign(params, credentials), 'utf8').digest('hex');
}

/** Constant-time check of the `sign` a request body carries (used by the fake platform). */
export function verifyGlitzcloudSign(body: Readonly<Record<string, unknown>>, credentials: GlitzcloudCredentials): boolean {
  const received = body.sign;
  return typeof received === 'string' && signaturesEqual(signGlitzcloud(body, credentials), received.toLowerCase());
}
