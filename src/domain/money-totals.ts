/**
 * Totals of minor units as BigInt: a database SUM arrives as text (never a float) and stays exact
 * however large it grows; shown as a decimal string with two places like domain/money.ts.
 */
export function minorFromSum(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer sum of minor units: ${text}`);
  return BigInt(text);
}

/** 899000n → "8990.00"; -5n → "-0.05". */
export function formatMinorTotal(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
