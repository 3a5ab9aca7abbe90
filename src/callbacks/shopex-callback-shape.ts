/**
 * When a verified ShopEx callback is well formed enough to change a claim (docs/http-contract.md, "Platform
 * callbacks"): `rsp` is `succ` or `fail`, `msg_id` is present, and the fields the handler reads are plain
 * text (`data`, when present, a JSON object). The matrix sign concatenates keys and values with no
 * separator, so a signed callback can be re-split into other fields under the same sign (`res=` `rsp=succ`
 * re-posted as `res=rspsucc`): such a callback verifies but is not well formed, and is only stored for review.
 */
import type { ShopexParamValue } from '../verify/shopex-sign';

export interface ShopexCallback {
  rsp: 'succ' | 'fail';
  msgId: string;
  res: string;
  errMsg: string;
  /** `data` parsed, or null when the callback has none. */
  data: Record<string, unknown> | null;
}

export type ShopexCallbackReading = { ok: true; callback: ShopexCallback } | { ok: false; problem: string };

const TEXT_FIELDS = ['rsp', 'msg_id', 'res', 'err_msg', 'data'] as const;

export function readShopexCallback(fields: Readonly<Record<string, ShopexParamValue>>): ShopexCallbackReading {
  for (const name of TEXT_FIELDS) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (value !== undefined && typeof value !== 'string') return { ok: false, problem: `${name} is not plain text` };
  }
  const text = (name: (typeof TEXT_FIELDS)[number]) => (Object.hasOwn(fields, name) ? (fields[name] as string | undefined) : undefined);
  const rsp = text('rsp');
  if (rsp !== 'succ' && rsp !== 'fail') return { ok: false, problem: rsp === undefined ? 'rsp is missing' : 'rsp is neither succ nor fail' };
  const msgId = text('msg_id');
  if (!msgId) return { ok: false, problem: 'msg_id is missing' };
  const res = text('res');
  if (res === undefined) return { ok: false, problem: 'res is missing' };
  const data = parseData(text('data'));
  if (data === 'invalid') return { ok: false, problem: 'data is not a JSON object' };
  return { ok: true, callback: { rsp, msgId, res, errMsg: text('err_msg') ?? '', data } };
}

function parseData(data: string | undefined): Record<string, unknown> | null | 'invalid' {
  if (data === undefined || data === '') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'invalid';
  } catch {
    return 'invalid';
  }
}
