/**
 * Qimen's `timestamp` is `yyyy-MM-dd HH:mm:ss` in Beijing time (GMT+8, no daylight saving).
 * Returns epoch milliseconds, or null when the text is not a real date-time in that format.
 */
const FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const BEIJING_OFFSET_MS = 8 * 3600_000;

export function parseQimenTimestamp(text: string): number | null {
  const m = FORMAT.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  const real = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return real ? utc - BEIJING_OFFSET_MS : null;
}

/** Formats epoch milliseconds as a Qimen timestamp (Beijing time). */
export function formatQimenTimestamp(ms: number): string {
  const t = new Date(ms + BEIJING_OFFSET_MS).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}

/** True when the timestamp lies within `windowSeconds` of `nowMs`, either way. */
export function isWithinWindow(timestampMs: number, nowMs: number, windowSeconds: number): boolean {
  return Math.abs(nowMs - timestampMs) <= windowSeconds * 1000;
}
