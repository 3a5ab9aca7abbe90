/**
 * An `application/x-www-form-urlencoded` body read as PHP fills `$_POST` (what ECstore's `base_rpc_result`
 * signs, docs/conformance.md): nested names (`extra[a]=1&extra[b][0]=x`, brackets literal or as `%5B`/`%5D`)
 * build nested arrays, a repeated name keeps its last value, a part without `=` is the name with value `""`,
 * `+` and `%20` are a space, and in the part of a name before any `[`, `.` and space become `_` (leading
 * spaces dropped; an unclosed `[` becomes `_` too; a name left empty is dropped). The bracket parsing is qs's.
 */
import qs from 'qs';
import type { ShopexParamValue } from '../verify/shopex-sign';

export interface PhpForm {
  fields: Record<string, ShopexParamValue>;
  /**
   * False when a decoded name or value is not UTF-8. PHP keeps such bytes as they are; the service works on
   * text, so it cannot sign them as PHP would: such a form never verifies (stricter, docs/conformance.md).
   */
  utf8: boolean;
}

/** PHP's limits: `max_input_vars` (1000) and `max_input_nesting_level` (64). */
const MAX_INPUT_VARS = 1000;
const MAX_NESTING = 64;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const hexValue = (byte: number): number => {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
};

/**
 * PHP `urldecode` of a part of the body held as one char per byte (latin1): `+` is a space, `%XX` a byte,
 * any other `%` stays as it is; the bytes are then read as UTF-8. Null when they are not UTF-8. One pass
 * over the bytes: a body of a megabyte of escapes costs milliseconds, before its sign is checked.
 */
function phpUrlDecode(bytesAsText: string): string | null {
  const src = Buffer.from(bytesAsText, 'latin1');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const byte = src[i];
    const high = byte === 0x25 && i + 2 < src.length ? hexValue(src[i + 1]) : -1;
    const low = high >= 0 ? hexValue(src[i + 2]) : -1;
    if (low >= 0) {
      out[n++] = high * 16 + low;
      i += 2;
    } else out[n++] = byte === 0x2b ? 0x20 : byte;
  }
  try {
    return strictUtf8.decode(out.subarray(0, n));
  } catch {
    return null;
  }
}

/** PHP's variable name rules (php_register_variable_ex) for the part before the first `[`. */
function phpVariableName(name: string): string {
  const trimmed = name.replace(/^ +/, '');
  const open = trimmed.indexOf('[');
  const base = (open === -1 ? trimmed : trimmed.slice(0, open)).replace(/[ .]/g, '_');
  if (base === '') return ''; // PHP drops a variable without a name; qs drops an empty key
  if (open === -1) return base;
  const rest = trimmed.slice(open);
  return rest.includes(']') ? base + rest : `${base}_${rest.slice(1)}`;
}

/** The body's bytes as PHP reads them (a byte that is not percent-encoded counts as itself). */
export function parsePhpForm(body: Buffer): PhpForm {
  let utf8 = true;
  const fields = qs.parse(body.toString('latin1'), {
    duplicates: 'last',
    parseArrays: true,
    allowSparse: true, // list indexes kept as sent: items[0], items[10] are two entries, not a compacted list
    arrayLimit: MAX_INPUT_VARS,
    parameterLimit: MAX_INPUT_VARS,
    depth: MAX_NESTING,
    plainObjects: true, // names such as constructor are data: objects without a prototype
    decoder(text: string, _default: unknown, _charset: unknown, type: 'key' | 'value') {
      const decoded = phpUrlDecode(text);
      if (decoded === null) utf8 = false;
      const value = decoded ?? Buffer.from(text, 'latin1').toString('utf8');
      return type === 'key' ? phpVariableName(value) : value;
    },
  }) as Record<string, ShopexParamValue>;
  return { fields, utf8 };
}
