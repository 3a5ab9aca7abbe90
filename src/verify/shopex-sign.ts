/**
 * ShopEx matrix signature (confirmed from ECstore/OMS source, see docs/signing.md):
 * `sign = UPPER(MD5( UPPER(MD5(assemble(params))) + token ))`.
 * Used to sign outgoing `store.trade.aftersale.add` requests and to verify the matrix's callbacks.
 */
import { createHash } from 'node:crypto';
import { signaturesEqual } from './constant-time';

/** A parameter value as PHP's `assemble` sees it: scalars, null (skipped), nested lists and maps. */
export type ShopexParamValue = string | number | boolean | null | undefined | ShopexParamValue[] | { [key: string]: ShopexParamValue };

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function scalarText(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/**
 * PHP `assemble`: keys sorted byte-wise (list indexes as strings: "0","1","10","2"), null values
 * skipped, booleans as 1/0, `key + value` with no separators, nested values expanded by the same rule.
 * Drops a top-level `sign` only, as the PHP `get_sign` does.
 */
export function assembleShopexParams(params: Readonly<Record<string, ShopexParamValue>>): string {
  const { sign: _ignored, ...rest } = params;
  return assembleNested(rest);
}

function assembleNested(value: Readonly<Record<string, ShopexParamValue>> | readonly ShopexParamValue[]): string {
  // A list's entries are its indexes as strings (a sparse list, as PHP's form parsing can make, has gaps).
  const entries: [string, ShopexParamValue][] = Object.entries(value);
  entries.sort(([a], [b]) => byteOrder(a, b));
  let out = '';
  for (const [key, v] of entries) {
    if (v === null || v === undefined) continue;
    out += key + (typeof v === 'object' ? assembleNested(v) : scalarText(v));
  }
  return out;
}

const upperMd5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();

/** The request or callback `sign` for these params (their own `sign`, if any, is ignored). */
export function signShopexParams(params: Readonly<Record<string, ShopexParamValue>>, token: string): string {
  return upperMd5(upperMd5(assembleShopexParams(params)) + token);
}

/** True when `params.sign` is the sign of every other posted field with this token (a ShopEx callback). */
export function verifyShopexSign(params: Readonly<Record<string, ShopexParamValue>>, token: string): boolean {
  const received = params.sign;
  if (typeof received !== 'string' || received === '') return false;
  return signaturesEqual(signShopexParams(params, token), received.toUpperCase());
}
