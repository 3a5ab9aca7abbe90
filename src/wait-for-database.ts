import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { databaseErrorCode } from './storage/database-errors';

/**
 * Start-up against a database that is not reachable yet (a deploy that starts the service before the
 * database, a database restarting): try again with exponential back-off instead of exiting.
 */

/** First wait after a failed attempt, doubled after each further one up to {@link RETRY_MAX_MS}. */
export const RETRY_FIRST_MS = 250;
export const RETRY_MAX_MS = 10_000;

/**
 * Error codes that mean "the database cannot be reached now" (network, DNS, a server starting, stopping or
 * full), as opposed to a wrong password, a missing database or a failing migration, which a retry would not
 * cure and which stop the start.
 */
const UNREACHABLE_CODES: readonly string[] = [
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'SQLITE_BUSY',
];

export function isUnreachable(err: unknown): boolean {
  return UNREACHABLE_CODES.includes(databaseErrorCode(err) ?? '');
}

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(attempt - 1, 30));
}

/** Where the database is, for logs: scheme, host, port and database name, never the user or password. */
export function describeDatabase(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'unparseable DATABASE_URL';
  }
}

/**
 * Runs `open` until it succeeds, waiting {@link retryDelayMs} after each attempt that failed because the
 * database is unreachable (one warn line per attempt: its number, the error code and the wait, no secret).
 * Any other error is thrown. Returns null as soon as `signal` aborts (the process is stopping).
 */
export async function openWhenReachable(
  open: () => Promise<DataSource>,
  opts: { logger: Logger; database: string; signal: AbortSignal },
): Promise<DataSource | null> {
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) return null;
    try {
      return await open();
    } catch (err) {
      if (opts.signal.aborted) return null;
      if (!isUnreachable(err)) throw err;
      const retryInMs = retryDelayMs(attempt);
      opts.logger.warn({ attempt, database: opts.database, code: databaseErrorCode(err), retryInMs }, 'database not reachable; trying again');
      try {
        await sleep(retryInMs, undefined, { signal: opts.signal });
      } catch {
        return null; // aborted
      }
    }
  }
}
