/**
 * Glitzcloud `saleAfter/add` signature, after a third-party SDK (assumed against the live server, see
 * docs/signing.md): put `apikey` and `secretkey` into the flat parameter map, leave out `sign` and
 * `attachments` (无须参与签名), JSON-encode nested values, sort keys byte-wise, concatenate `key + value`
 * with no separators, `lowercase MD5`. Null/undefined values are left out (assumption: the SDK never
 * sends them).
 */
import { createHash } from 'node:crypto';
import { signaturesEqual } from './constant-time';

export interface GlitzcloudCredentials {
  apikey: string;
  secretkey: string;
}

/** Keys never signed. */
export const GLITZCLOUD_UNSIGNED_KEYS: readonly string[] = ['sign', 'attachments'];

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function flatText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function glitzcloudStringToSign(params: Readonly<Record<string, unknown>>, credentials: GlitzcloudCredentials): string {
  const merged: Record<string, unknown> = { ...params, apikey: credentials.apikey, secretkey: credentials.secretkey };
  return Object.keys(merged)
    .filter((key) => !GLITZCLOUD_UNSIGNED_KEYS.includes(key) && merged[key] !== null && merged[key] !== undefined)
    .sort(byteOrder)
    .map((key) => key + flatText(merged[key]))
    .join('');
}

export function signGlitzcloud(params: Readonly<Record<string, unknown>>, credentials: GlitzcloudCredentials): string {
  return createHash('md5').update(glitzcloudStringToSign(params, credentials), 'utf8').digest('hex');
}

/** Constant-time check of the `sign` a request body carries (used by the fake platform). */
export function verifyGlitzcloudSign(body: Readonly<Record<string, unknown>>, credentials: GlitzcloudCredentials): boolean {
  const received = body.sign;
  return typeof received === 'string' && signaturesEqual(signGlitzcloud(body, credentials), received.toLowerCase());
}
