/**
 * Exact decimal numbers from JSON number text, never through a binary float. Plain functions over strings:
 * a number's digits are only ever sliced and compared, and turned into an integer (BigInt) only within
 * bounds the caller checked, so a hostile number of a million digits costs time linear in its length.
 */

/**
 * A JSON number's value: `0.<digits> × 10^exponent`, negated when `negative`. `digits` has no leading or
 * trailing zeros ('' for zero, whose exponent is 0 and sign positive). An exponent written with more than
 * 15 digits is held as ±HUGE_EXPONENT: the value is then far outside every bound used here.
 */
export interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

const HUGE_EXPONENT = 1e16;
const JSON_NUMBER = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?)(\d+))?$/;

/** The exact value of a JSON number's text (RFC 8259 grammar); null for anything else. */
export function parseDecimal(text: string): Decimal | null {
  const m = JSON_NUMBER.exec(text);
  if (!m) return null;
  const [, minus, int, frac = '', expSign, expDigits = '0'] = m;
  const all = int + frac;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  const expText = expDigits.replace(/^0+/, '');
  const written = expText.length > 15 ? HUGE_EXPONENT : Number(expText);
  const exp = expSign === '-' ? -written : written;
  return { negative: minus === '-', digits, exponent: Math.max(-HUGE_EXPONENT, Math.min(HUGE_EXPONENT, exp + int.length - lead)) };
}

/** Decimal places the value has (89.900 has 1, 1e2 has 0). */
export function decimalPlaces(d: Decimal): number {
  return Math.max(0, d.digits.length - d.exponent);
}

/**
 * The value × 10^places, rounded half-up (half away from zero) to an integer, and whether no rounding was
 * needed. Throws a RangeError when the integer would have more than 15 digits: check the range first.
 */
export function scaledHalfUp(d: Decimal, places: number): { value: number; exact: boolean } {
  const point = d.exponent + places; // digits before the scaled value's decimal point
  if (point > 15) throw new RangeError('the scaled value has more than 15 integer digits');
  const kept = point <= 0 ? 0n : BigInt(d.digits.slice(0, point).padEnd(point, '0'));
  const dropped = point >= 0 ? d.digits.slice(point) : '0'.repeat(Math.min(-point, 1)) + d.digits;
  const magnitude = Number(kept + (dropped !== '' && dropped[0] >= '5' ? 1n : 0n));
  return { value: d.negative && magnitude !== 0 ? -magnitude : magnitude, exact: dropped === '' };
}

/** True when the value is greater than the non-negative integer `max` (a safe integer), exactly. */
export function decimalExceeds(d: Decimal, max: number): boolean {
  if (d.negative || d.digits === '') return false;
  const integerDigits = String(max).length;
  if (d.exponent > integerDigits) return true;
  if (d.exponent <= 0) return max === 0;
  const whole = BigInt(d.digits.slice(0, d.exponent).padEnd(d.exponent, '0'));
  return whole > BigInt(max) || (whole === BigInt(max) && d.digits.length > d.exponent);
}

/** An integer of at most 15 digits without leading zeros, other than -0: its float is exact and written the same. */
const SAFE_INTEGER_TEXT = /^(?:0|-?[1-9]\d{0,14})$/;

const sameValue = (a: Decimal, b: Decimal) => a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;

/**
 * The text by which parsed JSON is compared (src/storage/canonical-json.ts): JSON.stringify's text of the
 * nearest binary float when that float holds exactly the written value (89.90 → "89.9", 1e2 → "100",
 * -0 → "0", as before amounts were read as decimals), otherwise the text as written, so that no two
 * different values ever read the same ("89.9999999999999999" is not "90"). Equal values written
 * differently past a float's precision read differently: never merged, at worst kept twice.
 */
export function canonicalNumberText(text: string): string {
  if (SAFE_INTEGER_TEXT.test(text)) return text; // a float holds it exactly and JSON.stringify writes it as sent
  const written = parseDecimal(text);
  if (written === null) return text;
  const float = JSON.stringify(Number(text));
  const nearest = parseDecimal(float);
  return nearest !== null && sameValue(written, nearest) ? float : text;
}
