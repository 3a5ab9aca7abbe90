import type { ParsedUrlQuery } from 'node:querystring';
import { badRequest } from './api-error';

/**
 * Query-string validation for the finance API: every value checked, every failure a 400 naming the field.
 * A parameter the route does not know is refused too: a typo must not silently widen a filter.
 */

/** Refuses any parameter not in `known`, and any parameter given more than once. */
export function onlyKnown(query: ParsedUrlQuery, known: readonly string[]): void {
  for (const [key, value] of Object.entries(query)) {
    if (!known.includes(key)) throw badRequest(key, `unknown parameter; known: ${known.join(', ')}`);
    if (Array.isArray(value)) throw badRequest(key, 'must be given once');
  }
}

const present = (raw: unknown): raw is string => typeof raw === 'string' && raw !== '';

export function positiveInt(field: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw badRequest(field, 'must be a positive integer');
  return n;
}

export function intInRange(field: string, raw: unknown, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || n < min || n > max) throw badRequest(field, `must be an integer from ${min} to ${max}`);
  return n;
}

export function oneOf<T extends string>(field: string, raw: unknown, allowed: readonly T[]): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !allowed.includes(raw as T)) throw badRequest(field, `must be one of ${allowed.join(', ')}`);
  return raw as T;
}

/** A free-text value (an id, a code), trimmed, at most `max` characters. */
export function text(field: string, raw: unknown, max: number): string | undefined {
  if (!present(raw)) return undefined;
  const value = raw.trim();
  if (value === '') return undefined;
  if (value.length > max) throw badRequest(field, `must be at most ${max} characters`);
  return value;
}

/** A currency code: three letters (ISO 4217), answered in upper case. */
export function currencyCode(field: string, raw: unknown): string | undefined {
  const value = text(field, raw, 3);
  if (value === undefined) return undefined;
  if (!/^[A-Za-z]{3}$/.test(value)) throw badRequest(field, 'must be a three-letter currency code (CNY)');
  return value.toUpperCase();
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date (`2026-11-20`, midnight UTC) or instant with a zone (`2026-11-20T08:00:00+08:00`).
 * `endOfDay`: a plain date stands for the end of that day (the next midnight), so `to=2026-11-20`
 * includes all of the 20th. Impossible dates (2026-02-30) are refused.
 */
export function isoTime(field: string, raw: unknown, opts: { endOfDay?: boolean } = {}): Date | undefined {
  if (!present(raw)) return undefined;
  const date = ISO_DATE.exec(raw);
  if (date) {
    const [y, m, d] = date.slice(1).map(Number);
    const at = new Date(Date.UTC(y, m - 1, d));
    if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) throw badRequest(field, 'is not a real date');
    return opts.endOfDay ? new Date(at.getTime() + 86_400_000) : at;
  }
  const instant = ISO_INSTANT.exec(raw);
  if (!instant) throw badRequest(field, 'must be an ISO 8601 date (2026-11-20) or time with zone (2026-11-20T08:00:00Z)');
  const [y, mo, d, h, mi] = instant.slice(1, 6).map(Number);
  const at = new Date(raw);
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi));
  if (Number.isNaN(at.getTime()) || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || Number(instant[6] ?? 0) > 59) {
    throw badRequest(field, 'is not a real time');
  }
  return at;
}
