/**
 * Java's text rules that Alibaba's SDK relies on when it reads and signs a push (SpiUtils, StringUtils),
 * so that the service reads a request exactly as the SDK does (docs/conformance.md).
 */

/** `URLDecoder.decode` refuses a `%` not followed by two hex digits. */
export class MalformedEscapeError extends Error {
  constructor(text: string) {
    super(`malformed % escape in ${JSON.stringify(text.slice(0, 64))}`);
  }
}

/**
 * Java's `String.split(sep)` for a one-character, non-regex separator: every part, with the trailing empty
 * parts dropped; a text without the separator (the empty text included) is one part.
 */
export function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * `URLDecoder.decode(text, "UTF-8")`: `+` is a space, each run of `%XX` escapes is decoded as UTF-8 bytes
 * (a byte sequence that is not UTF-8 becomes U+FFFD, as Java's decoder replaces it). Throws
 * {@link MalformedEscapeError} for a `%` without two hex digits after it, as Java does.
 */
export function javaUrlDecode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text; // most parameters: nothing to decode
  const plus = text.replace(/\+/g, ' ');
  if (/%(?![0-9A-Fa-f]{2})/.test(plus)) throw new MalformedEscapeError(text);
  return plus.replace(ESCAPES, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/**
 * The characters `Character.isWhitespace` (Java 17) is true for: space separators except the no-break ones
 * (U+00A0, U+2007, U+202F), the line and paragraph separators, tab, LF, VT, FF, CR and U+001C–U+001F.
 */
// eslint-disable-next-line no-control-regex -- VT and U+001C–U+001F are whitespace to Java, and so here
const JAVA_WHITESPACE_ONLY = /^[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/;

/** `StringUtils.isEmpty` of the Taobao SDK: true when every char is Java whitespace (or there is none). */
export function javaIsEmpty(text: string): boolean {
  return JAVA_WHITESPACE_ONLY.test(text);
}
