import { badRequest } from './api-error';

/** `limit` (default 50, at most 500) and an opaque `cursor` holding the last item's sort key. */
export function pageLimit(raw: unknown): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw badRequest('limit', 'must be an integer from 1 to 500');
  return n;
}

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(raw: unknown, shape: Array<'number' | 'string'>): unknown[] | null {
  if (raw === undefined || raw === '') return null;
  try {
    const key = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i])) return key;
  } catch {
    // fall through
  }
  throw badRequest('cursor', 'is not a cursor this API gave out');
}

/** Takes `limit + 1` rows: the extra one only tells whether a next page exists. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
