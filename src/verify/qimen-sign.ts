import { createHash, createHmac } from 'node:crypto';
import { signaturesEqual } from './constant-time';

/**
 * Qimen push signatures, as Alibaba's SDK computes them (docs/signing.md, "Qimen push").
 * Pure functions over the decoded query parameters and the raw body bytes.
 */
export type QimenSignMethod = 'md5' | 'hmac' | 'hmac-sha256';
export const QIMEN_SIGN_METHODS: readonly QimenSignMethod[] = ['md5', 'hmac', 'hmac-sha256'];

/** Query parameters as decoded from the URL (`+` is a space), first value of a repeated key wins. */
export type QimenParams = ReadonlyMap<string, string>;

export function parseQimenQuery(querystring: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(querystring)) {
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

/**
 * Parameters that join the signed text: every query parameter but `sign`, plus the headers named by a
 * `top-sign-list` header (SpiUtils reads each named header; a missing one counts as empty).
 */
export function signedParams(query: QimenParams, headers: Record<string, string | string[] | undefined>): Map<string, string> {
  const params = new Map(query);
  params.delete('sign');
  const list = headerValue(headers['top-sign-list']);
  if (list) {
    for (const name of list.split(',').map((n) => n.trim()).filter(Boolean)) {
      params.set(name, headerValue(headers[name.toLowerCase()]) ?? '');
    }
  }
  return params;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `key + value` pairs sorted by UTF-16 code unit (as `Array.prototype.sort()`), no separators. */
function joinSorted(params: ReadonlyMap<string, string>, keepEmpty: boolean): string {
  return [...params.keys()]
    .sort()
    .filter((k) => keepEmpty || params.get(k)!.trim() !== '')
    .map((k) => k + params.get(k))
    .join('');
}

/**
 * The signature Qimen would send, computed as the body arrives: `update` with each chunk of the raw body,
 * then `sign()` once. md5 and HMAC are incremental, so a body is never hashed as a whole.
 */
export interface QimenSigner {
  update(chunk: Buffer): void;
  sign(): string;
}

export function qimenSigner(method: QimenSignMethod, secret: string, params: QimenParams): QimenSigner {
  switch (method) {
    case 'md5': {
      // SpiUtils (receiver side): secret + joined (empty values kept) + body + secret.
      const hash = createHash('md5').update(secret + joinSorted(params, true), 'utf8');
      return { update: (chunk) => void hash.update(chunk), sign: () => hash.update(secret, 'utf8').digest('hex').toUpperCase() };
    }
    case 'hmac':
    case 'hmac-sha256': {
      // TaobaoUtils.signTopRequest: empty and whitespace-only values are skipped.
      const hmac = createHmac(method === 'hmac' ? 'md5' : 'sha256', secret).update(joinSorted(params, false), 'utf8');
      return { update: (chunk) => void hmac.update(chunk), sign: () => hmac.digest('hex').toUpperCase() };
    }
  }
}

/** The signature Qimen would send for these parameters and body. */
export function qimenSign(method: QimenSignMethod, secret: string, params: QimenParams, body: Buffer): string {
  const signer = qimenSigner(method, secret, params);
  signer.update(body);
  return signer.sign();
}

/** Constant-time check of a given signature (hex case-insensitive, as Alibaba's SDK compares). */
export function verifyQimenSign(method: QimenSignMethod, secret: string, params: QimenParams, body: Buffer, given: string): boolean {
  return signaturesEqual(qimenSign(method, secret, params, body), given.toUpperCase());
}

/** Constant-time check of a signature computed as the body streamed in. */
export function signatureMatches(signer: QimenSigner, given: string): boolean {
  return signaturesEqual(signer.sign(), given.toUpperCase());
}
