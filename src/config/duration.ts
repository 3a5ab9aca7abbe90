/** "5s", "5m", "30m", "2h", "1d" (or a bare number of seconds) to milliseconds; null when malformed. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] ?? 's'] : null;
}
