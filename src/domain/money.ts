/**
 * Money inside claim-relay is an integer count of minor units (fen, cents) plus an ISO-4217 currency.
 * A pushed amount is converted here, once, from its JSON text as written (src/json/push-json.ts keeps it),
 * exactly: never through a binary float (src/domain/decimal.ts).
 */
import { decimalPlaces, parseDecimal, scaledHalfUp } from './decimal';

/** Largest amount accepted, in major units: 10^12 keeps every minor-unit value a safe integer. */
export const MAX_MAJOR_AMOUNT = 1_000_000_000_000;

/** Longest amount text kept as written (the revision's `…Text` columns hold 32 characters). */
export const MAX_AMOUNT_TEXT_LENGTH = 32;

/**
 * A valid amount's exact text (major units) in minor units, rounded half-up, and whether that rounding
 * dropped anything: a sub-fen amount (12.345 → 1235, true; 89.900 → 8990, false). Throws a RangeError
 * for text that is no JSON number or is beyond MAX_MAJOR_AMOUNT (validation refuses those first).
 */
export function amountToMinorUnits(text: string): { minor: number; subFen: boolean } {
  const d = parseDecimal(text);
  if (d === null || d.exponent > String(MAX_MAJOR_AMOUNT).length) throw new RangeError(`not a money amount: ${text}`);
  const { value, exact } = scaledHalfUp(d, 2);
  return { minor: value, subFen: !exact };
}

/**
 * A ratio's exact text in percent to basis points (12.5 → 1250); null when it is no JSON number or has more
 * than 2 decimals. Throws a RangeError far beyond 100 (validation refuses over 100 first).
 */
export function percentToBasisPoints(text: string): number | null {
  const d = parseDecimal(text);
  if (d === null || decimalPlaces(d) > 2) return null;
  return scaledHalfUp(d, 2).value;
}

/** Minor units back to a decimal string with two decimals: 8990 → "89.90". */
export function formatMinorUnits(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `minor × bp / 10000` (basis points: 100% = 10000), rounded half-up to the minor unit, in integer arithmetic. */
export function shareOfBasisPoints(minor: number, bp: number): number {
  const numerator = BigInt(minor) * BigInt(bp);
  const denominator = 10_000n;
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Whether `code` is an ISO 4217 currency code this runtime knows (CNY, JPY, …). */
export const isKnownCurrency = (code: string) => KNOWN_CURRENCIES.has(code);

/** Minor-unit digits of known currencies, once asked for: a formatter is costly to make (and to collect). */
const MINOR_DIGITS = new Map<string, number>();

/** How many decimals a currency's own minor unit has (JPY 0, CNY 2); 2 for a code Intl does not know. */
export function currencyMinorDigits(currency: string): number {
  let digits = MINOR_DIGITS.get(currency);
  if (digits !== undefined) return digits;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  if (KNOWN_CURRENCIES.has(currency)) MINOR_DIGITS.set(currency, digits);
  return digits;
}
