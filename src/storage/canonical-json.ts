import { createHash, hash } from 'node:crypto';
import { canonicalNumber, isLosslessNumber, type JsonNumber } from '../json/push-json';

/**
 * The keys of an object in canonical order: sorted, except that integer-like keys come first, ascending (the
 * order of an object built by inserting the sorted keys, which earlier content hashes followed). Every key
 * is data: "__proto__" and "constructor" are keys like any other.
 */
function sortedKeys(v: object): string[] {
  const keys = Object.keys(v).sort();
  // An integer-like key starts with a digit; without one, the sorted keys are already in canonical order.
  if (!keys.some((k) => k.charCodeAt(0) <= 57 && k.charCodeAt(0) >= 48)) return keys;
  const order: Record<string, true> = Object.create(null);
  for (const k of keys) order[k] = true;
  return Object.keys(order);
}

/**
 * Writes parsed JSON's canonical text, handing it to `flush` in pieces of about HASH_PIECE_CHARS characters:
 * every object's keys in sortedKeys' order, numbers by their canonical text (src/domain/decimal.ts: as
 * JSON.stringify wrote the float when that float is exact, else as sent), strings as JSON.stringify writes
 * them (a lone surrogate as its escape).
 */
function writeCanonical(value: unknown, flush: (piece: string) => void): void {
  let piece = '';
  const put = (text: string) => {
    piece += text;
    if (piece.length >= HASH_PIECE_CHARS) {
      flush(piece);
      piece = '';
    }
  };
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return put(JSON.stringify(v) ?? 'null');
    if (isLosslessNumber(v)) return put(canonicalNumber(v as JsonNumber));
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        walk(v[i]);
      }
      return put(']');
    }
    put('{');
    let first = true;
    for (const k of sortedKeys(v)) {
      if (!first) put(',');
      first = false;
      put(JSON.stringify(k));
      put(':');
      walk((v as Record<string, unknown>)[k]);
    }
    put('}');
  };
  walk(value);
  flush(piece);
}

/** JSON text with every object's keys sorted, so equal data gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  const pieces: string[] = [];
  writeCanonical(value, (piece) => pieces.push(piece));
  return pieces.join('');
}

export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex'); // one-shot: cheaper than createHash for the small inputs of every push
}

/** canonicalJson's text is handed to the hash in pieces of about this many characters. */
const HASH_PIECE_CHARS = 64 * 1024;

/**
 * sha256Hex(canonicalJson(value)) for parsed JSON, without building the whole text (for a push of many
 * package numbers a string of tens of MB, and several times that of heap to build it): the same pieces of
 * writeCanonical reach the hash. test/storage/canonical-json.test.ts checks that they agree.
 */
export function canonicalSha256(value: unknown): string {
  const digest = createHash('sha256');
  writeCanonical(value, (piece) => digest.update(piece));
  return digest.digest('hex');
}

/** Above this body size the content hash is computed in pieces; below, hashing the one text is faster. */
export const HASH_IN_PIECES_ABOVE_BYTES = 1024 * 1024;

/** The content hash of a parsed body of `bodyBytes` bytes: sha256Hex(canonicalJson(value)), however it is computed. */
export function canonicalHash(value: unknown, bodyBytes: number): string {
  return bodyBytes > HASH_IN_PIECES_ABOVE_BYTES ? canonicalSha256(value) : sha256Hex(canonicalJson(value));
}
