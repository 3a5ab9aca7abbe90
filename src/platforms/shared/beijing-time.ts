const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const pad = (n: number): string => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (GMT+8, no daylight saving). */
export function formatBeijingTime(date: Date): string {
  const t = new Date(date.getTime() + BEIJING_OFFSET_MS);
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`
  );
}

export const BEIJING_TIME_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
