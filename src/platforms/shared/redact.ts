/** What a secret is replaced with in a stored exchange. */
export const REDACTED = '[redacted]';

/** A copy of `record` whose listed keys (when present) hold REDACTED instead of their value. */
export function redactKeys<T extends Record<string, unknown>>(record: T, keys: readonly string[]): T {
  const copy: Record<string, unknown> = { ...record };
  for (const key of keys) if (key in copy) copy[key] = REDACTED;
  return copy as T;
}

/** `url` with the listed query parameters' values replaced by REDACTED. */
export function redactQuery(url: string, keys: readonly string[]): string {
  const parsed = new URL(url);
  for (const key of keys) if (parsed.searchParams.has(key)) parsed.searchParams.set(key, REDACTED);
  return parsed.toString();
}
