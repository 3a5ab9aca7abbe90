import { timingSafeEqual } from 'node:crypto';

/** Compares two signatures in constant time (for equal lengths); different lengths are simply unequal. */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // spend comparable time; the length of a hex digest is no secret
    return false;
  }
  return timingSafeEqual(a, b);
}
