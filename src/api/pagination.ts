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

/** A cursor's parts: a row id (a non-negative safe integer) or the exact UTC ISO time the API writes. */
export type CursorPart = 'id' | 'isoTime';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The cursor text is data: only what the API itself writes is taken; a crafted one (1e400, a huge id, a year 275760) is a 400. */
function isPart(value: unknown, part: CursorPart): boolean {
  if (part === 'id') return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

export function decodeCursor(raw: unknown, shape: CursorPart[]): unknown[] | null {
  if (raw === undefined || raw === '') return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => isPart(v, shape[i]))) return key;
  throw badRequest('cursor', 'is not a cursor this API gave out');
}

/** Takes `limit + 1` rows: the extra one only tells whether a next page exists. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
