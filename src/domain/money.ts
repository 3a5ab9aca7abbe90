/**
 * Money inside claim-relay is an integer count of minor units (fen, cents) plus an ISO-4217 currency.
 * JSON numbers from the outside are converted here, once, from their shortest decimal text: never by
 * multiplying floats.
 *
 * Assumption (Node 20 cannot see a JSON number's source text): a pushed number's "text as received" is
 * its shortest round-trip decimal form (`String(n)`), so `89.90` and `89.9` are the same amount and read
 * as "89.9". The exact bytes are kept in the stored raw push.
 */

/** Largest amount accepted, in major units: 10^12 keeps every minor-unit value a safe integer. */
export const MAX_MAJOR_AMOUNT = 1_000_000_000_000;

const PLAIN_DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/** The decimal text of a JSON number, or null when it is not a plain non-negative decimal (e.g. 1e-7, -1, NaN). */
export function decimalText(value: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const text = String(Object.is(value, -0) ? 0 : value);
  return /^\d+(\.\d+)?$/.test(text) ? text : null;
}

/** True when `value` is finite, ≥ 0, has at most two decimals and is within MAX_MAJOR_AMOUNT. */
export function isMoneyAmount(value: unknown): value is number {
  if (typeof value !== 'number') return false;
  const text = decimalText(value);
  return text !== null && PLAIN_DECIMAL.test(text) && value <= MAX_MAJOR_AMOUNT;
}

/** Major units with at most 2 decimals (89.9 yuan) to minor units (8990 fen), exactly. */
export function toMinorUnits(value: number): number {
  const text = decimalText(value);
  const m = text === null ? null : PLAIN_DECIMAL.exec(text);
  if (!m || value > MAX_MAJOR_AMOUNT) throw new RangeError(`not a money amount: ${value}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Minor units back to a decimal string with two decimals: 8990 → "89.90". */
export function formatMinorUnits(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * `minor × percent / 100`, rounded half-up to the minor unit, in integer arithmetic.
 * `percent` may carry up to two decimals (33.33%).
 */
export function shareOf(minor: number, percent: number): number {
  const pHundredths = toMinorUnits(percent); // percent × 100, exact
  const numerator = BigInt(minor) * BigInt(pHundredths);
  const denominator = 10_000n;
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}
