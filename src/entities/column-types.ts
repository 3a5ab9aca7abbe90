import { ValueTransformer } from 'typeorm';

/**
 * Column options shared by the entities. Every column type is one that both better-sqlite3 and
 * MySQL/MariaDB accept under the same name, so one set of migrations serves both.
 */

/** mysql2 returns BIGINT as a string; our bigints (fen, ms) stay within Number.MAX_SAFE_INTEGER. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => {
    if (value === null || value === undefined) return null;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`bigint column value out of safe range: ${value}`);
    return n;
  },
};

/** Every stored time is UTC with millisecond precision. */
export const UTC_DATETIME = { type: 'datetime', precision: 3 } as const;
