/**
 * How pushed text is stored and shown. A JSON string may hold a lone surrogate (`"\ud800"`): valid JSON,
 * but no Unicode text, so a UTF-8 column would store it as U+FFFD and "A\ud800" and "A\udc00" would read
 * the same. Such a string is kept as its JSON escape text instead: each lone surrogate as `\uXXXX` (lower-
 * case hex, as JSON.stringify writes it) and each backslash doubled. A well-formed string is kept as sent,
 * unless it already reads like that escape text (a backslash, `u` and a surrogate's hex digits): then it is
 * escaped the same way, so that no two different strings are ever kept as the same text.
 */

/** Neither a surrogate nor a backslash: kept as sent, without the two searches below (the usual case). */
const MAY_NEED_ESCAPE = /[\ud800-\udfff\\]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SURROGATE_ESCAPE_TEXT = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** The text kept for a pushed string: itself, or its escape text (see above). */
export function keptText(value: string): string {
  if (!MAY_NEED_ESCAPE.test(value) || (!LONE_SURROGATE.test(value) && !SURROGATE_ESCAPE_TEXT.test(value))) return value;
  return value.replace(new RegExp(`\\\\|${LONE_SURROGATE.source}`, 'g'), (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16)}`));
}

/** keptText for an optional string. */
export const keptTextOrNull = (value: string | undefined | null): string | null => (value === undefined || value === null ? null : keptText(value));
