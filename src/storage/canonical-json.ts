import { createHash, hash } from 'node:crypto';

/**
 * A copy of an object with its keys inserted in sorted order. Its own key order is what both canonical forms
 * below follow: the sorted order, except that JavaScript puts integer-like keys first, ascending, and an
 * assigned "__proto__" key is not kept as a key.
 */
function withSortedKeys(v: object): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
  return sorted;
}

/** JSON text with every object's keys sorted, so equal data gives equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v === null || typeof v !== 'object' || Array.isArray(v) ? v : withSortedKeys(v)));
}

export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex'); // one-shot: cheaper than createHash for the small inputs of every push
}

/** canonicalJson's text is handed to the hash in pieces of about this many characters. */
const HASH_PIECE_CHARS = 64 * 1024;

/**
 * sha256Hex(canonicalJson(value)) for a value JSON.parse produced, without building the whole text (for a
 * push of many package numbers a string of tens of MB, and several times that of heap to build it). The
 * same bytes reach the hash: leaves through JSON.stringify, and each object's keys in withSortedKeys'
 * order, as canonicalJson. test/storage/canonical-json.test.ts checks that they agree.
 */
export function canonicalSha256(value: unknown): string {
  const digest = createHash('sha256');
  let piece = '';
  const put = (text: string) => {
    piece += text;
    if (piece.length >= HASH_PIECE_CHARS) {
      digest.update(piece);
      piece = '';
    }
  };
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return put(JSON.stringify(v));
    if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        walk(v[i]);
      }
      return put(']');
    }
    const sorted = withSortedKeys(v);
    put('{');
    let first = true;
    for (const k of Object.keys(sorted)) {
      if (!first) put(',');
      first = false;
      put(JSON.stringify(k));
      put(':');
      walk(sorted[k]);
    }
    put('}');
  };
  walk(value);
  digest.update(piece);
  return digest.digest('hex');
}

/** Above this body size the content hash is computed in pieces; below, hashing the one text is faster. */
export const HASH_IN_PIECES_ABOVE_BYTES = 1024 * 1024;

/** The content hash of a parsed body of `bodyBytes` bytes: sha256Hex(canonicalJson(value)), however it is computed. */
export function canonicalHash(value: unknown, bodyBytes: number): string {
  return bodyBytes > HASH_IN_PIECES_ABOVE_BYTES ? canonicalSha256(value) : sha256Hex(canonicalJson(value));
}
