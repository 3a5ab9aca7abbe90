import { createHash, createHmac } from 'node:crypto';
import { signaturesEqual } from './constant-time';
import { javaSplit, javaUrlDecode, javaIsEmpty, MalformedEscapeError } from './java-text';

/**
 * Qimen push signatures, as Alibaba's SDK computes them (docs/signing.md, "Qimen push"; SpiUtils and
 * TaobaoUtils of the Java SDK, docs/conformance.md). Pure functions over the query, the headers and the
 * raw body bytes.
 */
export type QimenSignMethod = 'md5' | 'hmac' | 'hmac-sha256';
export const QIMEN_SIGN_METHODS: readonly QimenSignMethod[] = ['md5', 'hmac', 'hmac-sha256'];

/** Query parameters as SpiUtils.getQueryMap reads them. */
export type QimenParams = ReadonlyMap<string, string>;

/**
 * The query as SpiUtils.getQueryMap reads it. `malformedEscape` is set when a key or value holds a `%`
 * escape Java's URLDecoder refuses: the SDK throws there, so such a request never verifies (its other
 * parameters are still readable, to answer in the envelope).
 */
export class QimenQuery extends Map<string, string> {
  malformedEscape = false;
}

/**
 * SpiUtils.getQueryMap: split on `&`, each part on every `=` (Java's `String.split`: trailing empty parts
 * dropped). One part is a key with the value `""`, two parts a pair, any other count is left out (so
 * `extra=a=b` is not a parameter). Keys and values URL-decoded (`+` is a space); a repeated key keeps its
 * last value.
 */
export function parseQimenQuery(querystring: string): QimenQuery {
  const params = new QimenQuery();
  for (const part of javaSplit(querystring, '&')) {
    const kv = javaSplit(part, '=');
    if (kv.length !== 1 && kv.length !== 2) continue;
    const [key, value] = [kv[0], kv[1] ?? ''].map((text) => {
      try {
        return javaUrlDecode(text);
      } catch (err) {
        if (!(err instanceof MalformedEscapeError)) throw err;
        params.malformedEscape = true;
        return text;
      }
    });
    params.set(key, value);
  }
  return params;
}

/** Request headers by lower-case name; a repeated header's first value is the one read (servlet getHeader). */
export type QimenHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Parameters that join the signed text, collected as SpiUtils.checkSign does: the headers named by a
 * `top-sign-list` header (names split on `,` and not trimmed; each value URL-decoded, or `""` when the
 * header is absent or blank), then every query parameter put over them (a name in both signs the query's
 * value), then `sign` left out. Throws {@link MalformedEscapeError} where the SDK's URLDecoder throws.
 */
export function signedParams(query: QimenParams, headers: QimenHeaders): Map<string, string> {
  const params = new Map<string, string>();
  const list = headerValue(headers, 'top-sign-list');
  if (list !== undefined && !javaIsEmpty(list)) {
    for (const name of javaSplit(list, ',')) {
      const value = headerValue(headers, name.toLowerCase());
      params.set(name, value === undefined || javaIsEmpty(value) ? '' : javaUrlDecode(value));
    }
  }
  for (const [key, value] of query) params.set(key, value);
  params.delete('sign');
  return params;
}

/** The named header's first value; a name is data, so only the object's own keys are read. */
function headerValue(headers: QimenHeaders, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const v = headers[name];
  return typeof v === 'string' ? v : v?.[0];
}

/**
 * `key + value` pairs sorted by UTF-16 code unit (Java's `Arrays.sort`, JavaScript's default sort), no
 * separators. md5 (SpiUtils) joins every pair; hmac (signTopRequest) only those whose key and value are both
 * non-empty by Java's `StringUtils.isEmpty` (whitespace-only counts as empty, as Java defines whitespace).
 */
function joinSorted(params: QimenParams, keepEmpty: boolean): string {
  return [...params.keys()]
    .sort()
    .filter((k) => keepEmpty || (!javaIsEmpty(k) && !javaIsEmpty(params.get(k)!)))
    .map((k) => k + params.get(k))
    .join('');
}

/** The parameter text a sign method hashes (before the body): for diagnosis and the conformance tests. */
export function qimenParamString(method: QimenSignMethod, params: QimenParams): string {
  return joinSorted(params, method === 'md5');
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
  const joined = qimenParamString(method, params);
  switch (method) {
    case 'md5': {
      // SpiUtils (receiver side): secret + joined (empty values kept) + body + secret.
      const hash = createHash('md5').update(secret + joined, 'utf8');
      return { update: (chunk) => void hash.update(chunk), sign: () => hash.update(secret, 'utf8').digest('hex').toUpperCase() };
    }
    case 'hmac':
    case 'hmac-sha256': {
      // TaobaoUtils.signTopRequest: empty and whitespace-only keys and values are skipped.
      const hmac = createHmac(method === 'hmac' ? 'md5' : 'sha256', secret).update(joined, 'utf8');
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

/** Constant-time check of a given signature. Hex case-insensitive: looser than SpiUtils (docs/conformance.md). */
export function verifyQimenSign(method: QimenSignMethod, secret: string, params: QimenParams, body: Buffer, given: string): boolean {
  return signaturesEqual(qimenSign(method, secret, params, body), given.toUpperCase());
}

/** What a received push is checked with: its sign method, its app's secret, its query and its headers. */
export interface QimenRequest {
  signMethod: QimenSignMethod;
  secret: string;
  query: QimenQuery;
  headers: QimenHeaders;
}

/**
 * The signer of a received push, over the query (as getQueryMap reads it) and the `top-sign-list` headers;
 * feed it the raw body as it arrives. Null where the SDK would throw (a malformed `%` escape in the query
 * or in a named header): such a push never verifies.
 */
export function qimenRequestSigner(req: QimenRequest): QimenSigner | null {
  if (req.query.malformedEscape) return null;
  try {
    return qimenSigner(req.signMethod, req.secret, signedParams(req.query, req.headers));
  } catch (err) {
    if (err instanceof MalformedEscapeError) return null;
    throw err;
  }
}

/** Constant-time check of a signature computed as the body streamed in. */
export function signatureMatches(signer: QimenSigner, given: string): boolean {
  return signaturesEqual(signer.sign(), given.toUpperCase());
}

/** The whole check of a received push whose body is at hand: its query's `sign` against the signer's. */
export function verifyQimenRequest(req: QimenRequest & { body: Buffer }): boolean {
  const given = req.query.get('sign') ?? '';
  const signer = qimenRequestSigner(req);
  if (!given || !signer) return false;
  signer.update(req.body);
  return signatureMatches(signer, given);
}
