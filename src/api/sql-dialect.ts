import type { DataSource } from 'typeorm';
import { isSqlite } from '../storage/transactions';

/** The few expressions SQLite and MySQL/MariaDB spell differently. Values still travel as parameters. */
export interface SqlDialect {
  /** SUM of an integer expression as exact decimal text (0 for no rows). */
  sumText(expr: string): string;
  /** The local calendar day (YYYY-MM-DD) of a UTC datetime column, shifted by the parameter `:name` (minutes). */
  localDay(column: string, name: string): string;
  /** The value bound to the `localDay` parameter for an offset in minutes. */
  dayShift(offsetMinutes: number): string | number;
}

export function sqlDialect(dataSource: DataSource): SqlDialect {
  if (isSqlite(dataSource)) {
    return {
      sumText: (expr) => `CAST(COALESCE(SUM(${expr}), 0) AS TEXT)`,
      localDay: (column, name) => `strftime('%Y-%m-%d', ${column}, :${name})`,
      dayShift: (minutes) => `${minutes >= 0 ? '+' : ''}${minutes} minutes`,
    };
  }
  return {
    sumText: (expr) => `CAST(COALESCE(SUM(${expr}), 0) AS CHAR)`,
    localDay: (column, name) => `DATE_FORMAT(DATE_ADD(${column}, INTERVAL :${name} MINUTE), '%Y-%m-%d')`,
    dayShift: (minutes) => minutes,
  };
}
