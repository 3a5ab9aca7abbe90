import { badRequest } from './api-error';

/**
 * The one time zone of an export (the `tz` query parameter of the CSV and XLSX exports): every time in
 * the file is written in it, and each time column's header names it (`receivedAt (Asia/Shanghai)`).
 */
export const DEFAULT_EXPORT_TZ = 'UTC';

/** An IANA zone name: letters, digits and `_+-` in `/`-separated parts (Asia/Shanghai, America/Argentina/Salta, UTC). */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** The `tz` parameter: an IANA zone the runtime knows (default UTC); anything else is a 400 naming `tz`. */
export function exportTimeZone(raw: unknown): string {
  if (raw === undefined || raw === '') return DEFAULT_EXPORT_TZ;
  if (typeof raw !== 'string' || raw.length > 64 || !ZONE_NAME.test(raw)) throw badRequest('tz', 'must be an IANA time zone (Asia/Shanghai)');
  try {
    // Written as the runtime spells it when only the case differs (asia/shanghai → Asia/Shanghai); an alias
    // is kept as asked (Asia/Kolkata, which the runtime would call Asia/Calcutta).
    const known = formatterOf(raw).resolvedOptions().timeZone;
    return known.toLowerCase() === raw.toLowerCase() ? known : raw;
  } catch {
    throw badRequest('tz', 'is not a known time zone (an IANA name such as Asia/Shanghai)');
  }
}

/** A time column's header: its field name and the zone its times are written in. */
export const timeHeader = (field: string, tz: string) => `${field} (${tz})`;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's offset from UTC at this instant, in minutes (Asia/Shanghai: 480). */
export function zoneOffsetMinutes(at: Date, tz: string): number {
  const parts = Object.fromEntries(formatterOf(tz).formatToParts(at).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((wall - (at.getTime() - at.getUTCMilliseconds())) / 60_000);
}

/**
 * The instant as the zone's wall-clock time held in a Date's UTC fields: what a spreadsheet date cell
 * (which has no zone) shows. 2026-01-01T10:00Z in Asia/Shanghai → a Date whose UTC fields read 18:00.
 */
export function wallClock(at: Date, tz: string): Date {
  return new Date(at.getTime() + zoneOffsetMinutes(at, tz) * 60_000);
}

/**
 * The instant as ISO 8601 text in the zone, with its offset: `2026-01-01T18:00:00.000+08:00`. In UTC
 * it is the usual `…Z` form.
 */
export function zonedIso(at: Date, tz: string): string {
  if (tz === DEFAULT_EXPORT_TZ) return at.toISOString();
  const offset = zoneOffsetMinutes(at, tz);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 23)}${sign}${hhmm}`;
}
